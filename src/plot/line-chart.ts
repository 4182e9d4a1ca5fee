/**
 * Line charts as standalone SVG, good enough to put in a paper: titled, with labelled axes (units included
 * in the label), "nice" tick values, a grid, a legend, markers on the measured points, and a colour-blind-safe
 * palette (Okabe–Ito) with distinct dash patterns so series survive greyscale printing. No dependencies.
 */

export interface Series {
  label: string;
  x: readonly number[];
  y: readonly number[];
  /** Draw markers on the points (default true). */
  markers?: boolean;
  /** Draw no line, only markers (a scatter of measured points). */
  pointsOnly?: boolean;
}

export interface LineChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly Series[];
  width?: number;
  height?: number;
  /** Logarithmic x axis (values must be > 0). */
  xLog?: boolean;
  /** Force the y range to include 0. */
  yZero?: boolean;
}

const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];
const DASHES = ['', '6 3', '2 3', '8 3 2 3', '4 4', '1 2', '10 4', '3 1'];

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Tick values at 1, 2 or 5 × 10^k covering [lo, hi] with about `count` ticks. */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo)) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    return niceTicks(lo - pad, hi + pad, count);
  }
  const raw = (hi - lo) / Math.max(1, count - 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const first = Math.floor(lo / step) * step;
  const ticks: number[] = [];
  for (let v = first; v <= hi + step * 1e-9; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  if (ticks[ticks.length - 1]! < hi - step * 1e-9) ticks.push(ticks[ticks.length - 1]! + step);
  return ticks;
}

function formatTick(v: number): string {
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 1e5 || a < 1e-3) {
    const [m, e] = v.toExponential(1).split('e');
    return `${m!.replace(/\.0$/, '')}e${Number(e)}`;
  }
  return String(Number(v.toPrecision(4)));
}

/** Render the chart as an SVG document. */
export function lineChartSvg(spec: LineChartSpec): string {
  const width = spec.width ?? 640;
  const height = spec.height ?? 420;
  const margin = { top: 48, right: 24, bottom: 56, left: 76 };
  const legendRows = spec.series.length;
  const legendHeight = legendRows * 18 + 8;
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom - legendHeight;

  const finite = (v: number) => Number.isFinite(v) && (!spec.xLog || v > 0);
  const xs = spec.series.flatMap((s) => s.x.filter(finite));
  const ys = spec.series.flatMap((s) => s.y.filter(Number.isFinite));
  let xMin = xs.length ? Math.min(...xs) : 0;
  let xMax = xs.length ? Math.max(...xs) : 1;
  let yMin = ys.length ? Math.min(...ys) : 0;
  let yMax = ys.length ? Math.max(...ys) : 1;
  if (spec.yZero) {
    yMin = Math.min(0, yMin);
    yMax = Math.max(0, yMax);
  }
  const tx = spec.xLog ? Math.log10 : (v: number) => v;
  let xTicks: number[];
  if (spec.xLog) {
    const lo = Math.floor(Math.log10(xMin));
    const hi = Math.ceil(Math.log10(xMax));
    xTicks = Array.from({ length: Math.max(1, hi - lo) + 1 }, (_, i) => 10 ** (lo + i));
  } else {
    xTicks = niceTicks(xMin, xMax);
  }
  const yTicks = niceTicks(yMin, yMax);
  xMin = Math.min(xMin, xTicks[0]!);
  xMax = Math.max(xMax, xTicks[xTicks.length - 1]!);
  yMin = yTicks[0]!;
  yMax = yTicks[yTicks.length - 1]!;
  const sx = (v: number) => margin.left + ((tx(v) - tx(xMin)) / (tx(xMax) - tx(xMin) || 1)) * plotW;
  const sy = (v: number) => margin.top + plotH - ((v - yMin) / (yMax - yMin || 1)) * plotH;

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  out.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  out.push(`<text x="${width / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(spec.title)}</text>`);
  // grid and ticks
  for (const t of yTicks) {
    const y = sy(t).toFixed(1);
    out.push(`<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${margin.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${formatTick(t)}</text>`);
  }
  for (const t of xTicks) {
    const x = sx(t).toFixed(1);
    out.push(`<line x1="${x}" x2="${x}" y1="${margin.top}" y2="${margin.top + plotH}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${x}" y="${margin.top + plotH + 16}" text-anchor="middle">${formatTick(t)}</text>`);
  }
  out.push(`<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${margin.left + plotW / 2}" y="${margin.top + plotH + 38}" text-anchor="middle">${escapeXml(spec.xLabel)}</text>`);
  out.push(`<text transform="translate(18 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(spec.yLabel)}</text>`);
  // series
  spec.series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length]!;
    const dash = DASHES[i % DASHES.length]!;
    const pts: [number, number][] = [];
    for (let j = 0; j < Math.min(s.x.length, s.y.length); j++) {
      if (finite(s.x[j]!) && Number.isFinite(s.y[j]!)) pts.push([sx(s.x[j]!), sy(s.y[j]!)]);
    }
    if (!s.pointsOnly && pts.length > 1) {
      const d = pts.map(([x, y], j) => `${j ? 'L' : 'M'}${x.toFixed(1)} ${y.toFixed(1)}`).join(' ');
      out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`);
    }
    if (s.markers !== false || s.pointsOnly) {
      for (const [x, y] of pts) out.push(`<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3" fill="${color}"/>`);
    }
    const ly = height - legendHeight + 4 + i * 18;
    const lx = margin.left;
    out.push(`<line x1="${lx}" x2="${lx + 28}" y1="${ly + 6}" y2="${ly + 6}" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`);
    out.push(`<circle cx="${lx + 14}" cy="${ly + 6}" r="3" fill="${color}"/>`);
    out.push(`<text x="${lx + 36}" y="${ly + 6}" dominant-baseline="middle">${escapeXml(s.label)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
