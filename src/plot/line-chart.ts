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
  /** Stroke colour; default: the palette colour of the series' index (so related series can share one). */
  color?: string;
  /** SVG dash pattern ('' for solid); default: the dash pattern of the series' index. */
  dash?: string;
  /** A reference line (a cap, a level): drawn thinner and beneath the data series, listed in the legend as given. */
  reference?: boolean;
  /** Per point, the [low, high] of its interval, drawn as a capped vertical bar (null: none at that point). */
  errorBars?: readonly (readonly [number, number] | null)[];
}

export interface LineChartSpec {
  title: string;
  /** A second, smaller line under the title: the fixed parameters of the figure, say. */
  subtitle?: string;
  xLabel: string;
  yLabel: string;
  series: readonly Series[];
  width?: number;
  height?: number;
  /** Logarithmic x axis (values must be > 0). */
  xLog?: boolean;
  /** Force the y range to include 0. */
  yZero?: boolean;
  /** Force the y range to include these values (e.g. one range shared by the panels of a figure). */
  yInclude?: readonly number[];
  /** Columns of the legend. Default: 1 for up to 3 series, else 2. */
  legendColumns?: number;
  /** Draw the legend (default true; a panel may leave it to a neighbour with the same series). */
  legend?: boolean;
}

/** Every y value the series draw: their points and the ends of their error bars. */
export function seriesYValues(series: readonly Series[]): number[] {
  return series.flatMap((s) => s.y.concat((s.errorBars ?? []).flatMap((b) => (b ? [b[0], b[1]] : []))));
}

/** The Okabe–Ito colour-blind-safe palette, in the order series use it. */
export const PALETTE: readonly string[] = [
  '#0072B2',
  '#D55E00',
  '#009E73',
  '#CC79A7',
  '#E69F00',
  '#56B4E9',
  '#000000',
  '#F0E442',
];
/** Dash patterns, in the order series use them. */
export const DASHES: readonly string[] = ['', '6 3', '2 3', '8 3 2 3', '4 4', '1 2', '10 4', '3 1'];

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
  const margin = { top: spec.subtitle ? 62 : 48, right: 24, bottom: 56, left: 76 };
  const columns = Math.max(1, Math.floor(spec.legendColumns ?? (spec.series.length <= 3 ? 1 : 2)));
  const showLegend = spec.legend !== false;
  const legendRows = showLegend ? Math.ceil(spec.series.length / columns) : 0;
  const legendHeight = showLegend ? legendRows * 18 + 8 : 0;
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom - legendHeight;

  const finite = (v: number) => Number.isFinite(v) && (!spec.xLog || v > 0);
  const xs = spec.series.flatMap((s) => s.x.filter(finite));
  const ys = seriesYValues(spec.series)
    .filter(Number.isFinite)
    .concat((spec.yInclude ?? []).filter(Number.isFinite));
  let xMin = xs.length ? Math.min(...xs) : spec.xLog ? 1 : 0;
  let xMax = xs.length ? Math.max(...xs) : spec.xLog ? 10 : 1;
  let yMin = ys.length ? Math.min(...ys) : 0;
  let yMax = ys.length ? Math.max(...ys) : 1;
  if (spec.yZero) {
    yMin = Math.min(0, yMin);
    yMax = Math.max(0, yMax);
  }
  // A little headroom, so that a series running along the top or bottom tick (a cap, say) is not hidden by the
  // frame; none below a zero the range was asked to start at.
  const pad = 0.03 * (yMax - yMin);
  if (!(spec.yZero && yMin === 0)) yMin -= pad;
  yMax += pad;
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
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
  );
  out.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  out.push(
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(spec.title)}</text>`,
  );
  if (spec.subtitle) {
    out.push(
      `<text x="${width / 2}" y="42" text-anchor="middle" font-size="12" fill="#444">${escapeXml(spec.subtitle)}</text>`,
    );
  }
  // grid and ticks
  for (const t of yTicks) {
    const y = sy(t).toFixed(1);
    out.push(`<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>`);
    out.push(
      `<text x="${margin.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${formatTick(t)}</text>`,
    );
  }
  for (const t of xTicks) {
    const x = sx(t).toFixed(1);
    out.push(`<line x1="${x}" x2="${x}" y1="${margin.top}" y2="${margin.top + plotH}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${x}" y="${margin.top + plotH + 16}" text-anchor="middle">${formatTick(t)}</text>`);
  }
  out.push(`<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`);
  out.push(
    `<text x="${margin.left + plotW / 2}" y="${margin.top + plotH + 38}" text-anchor="middle">${escapeXml(spec.xLabel)}</text>`,
  );
  out.push(
    `<text transform="translate(18 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(spec.yLabel)}</text>`,
  );
  // series
  const legendColumnWidth = (width - margin.left - margin.right) / columns;
  const style = spec.series.map((s, i) => ({
    color: s.color ?? PALETTE[i % PALETTE.length]!,
    dash: s.dash ?? DASHES[i % DASHES.length]!,
    width: s.reference ? 1.25 : 2,
    markers: Boolean(s.pointsOnly) || (s.markers ?? !s.reference),
  }));
  const strokeOf = (i: number) => {
    const { color, dash, width } = style[i]!;
    return `stroke="${color}" stroke-width="${width}"${dash ? ` stroke-dasharray="${dash}"` : ''}`;
  };
  // Reference lines first, so the data series are drawn over them.
  const drawOrder = spec.series
    .map((_, i) => i)
    .sort((a, b) => Number(!spec.series[a]!.reference) - Number(!spec.series[b]!.reference));
  for (const i of drawOrder) {
    const s = spec.series[i]!;
    const pts: [number, number][] = [];
    for (let j = 0; j < Math.min(s.x.length, s.y.length); j++) {
      if (finite(s.x[j]!) && Number.isFinite(s.y[j]!)) pts.push([sx(s.x[j]!), sy(s.y[j]!)]);
    }
    if (!s.pointsOnly && pts.length > 1) {
      const d = pts.map(([x, y], j) => `${j ? 'L' : 'M'}${x.toFixed(1)} ${y.toFixed(1)}`).join(' ');
      out.push(`<path d="${d}" fill="none" ${strokeOf(i)}/>`);
    }
    s.errorBars?.forEach((bar, j) => {
      if (!bar || !finite(s.x[j]!) || !Number.isFinite(bar[0]) || !Number.isFinite(bar[1])) return;
      const [x, lo, hi] = [sx(s.x[j]!).toFixed(1), sy(bar[0]).toFixed(1), sy(bar[1]).toFixed(1)];
      const cap = (y: string) => `M${(Number(x) - 4).toFixed(1)} ${y} H${(Number(x) + 4).toFixed(1)}`;
      out.push(
        `<path d="M${x} ${lo} V${hi} ${cap(lo)} ${cap(hi)}" fill="none" stroke="${style[i]!.color}" stroke-width="1.25"/>`,
      );
    });
    if (style[i]!.markers) {
      for (const [x, y] of pts)
        out.push(`<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3" fill="${style[i]!.color}"/>`);
    }
  }
  if (showLegend) {
    spec.series.forEach((s, i) => {
      const ly = height - legendHeight + 4 + Math.floor(i / columns) * 18;
      const lx = margin.left + (i % columns) * legendColumnWidth;
      if (!s.pointsOnly) out.push(`<line x1="${lx}" x2="${lx + 28}" y1="${ly + 6}" y2="${ly + 6}" ${strokeOf(i)}/>`);
      if (style[i]!.markers) out.push(`<circle cx="${lx + 14}" cy="${ly + 6}" r="3" fill="${style[i]!.color}"/>`);
      out.push(`<text x="${lx + 36}" y="${ly + 6}" dominant-baseline="middle">${escapeXml(s.label)}</text>`);
    });
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}

export interface PanelFigureSpec {
  /** The figure's title, above every panel. */
  title: string;
  subtitle?: string;
  /** One chart per panel (their own titles become panel captions). */
  panels: readonly LineChartSpec[];
  /** Panels per row. Default: all in one row. */
  columns?: number;
  /** Size of each panel. Default 560 × 420; a panel's own `height` overrides it (rows take their tallest). */
  panelWidth?: number;
  panelHeight?: number;
}

/**
 * Several line charts side by side in one standalone SVG (a figure with panels), each drawn by `lineChartSvg`
 * and placed as a nested `<svg>`.
 *
 * @example
 * writeFileAtomic('welfare.svg', panelsSvg({ title: 'Social welfare', panels: [chartA, chartB] }));
 */
export function panelsSvg(spec: PanelFigureSpec): string {
  const columns = Math.max(1, Math.min(spec.panels.length, Math.floor(spec.columns ?? spec.panels.length)));
  const rows = Math.ceil(spec.panels.length / columns);
  const pw = spec.panelWidth ?? 560;
  const ph = spec.panelHeight ?? 420;
  const top = spec.subtitle ? 54 : 36;
  const rowHeights = Array.from({ length: rows }, (_, r) =>
    Math.max(...spec.panels.slice(r * columns, (r + 1) * columns).map((p) => p.height ?? ph)),
  );
  const rowTops = rowHeights.map((_, r) => top + rowHeights.slice(0, r).reduce((a, b) => a + b, 0));
  const width = columns * pw;
  const height = top + rowHeights.reduce((a, b) => a + b, 0);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
  );
  out.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  out.push(
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(spec.title)}</text>`,
  );
  if (spec.subtitle) {
    out.push(
      `<text x="${width / 2}" y="44" text-anchor="middle" font-size="12" fill="#444">${escapeXml(spec.subtitle)}</text>`,
    );
  }
  spec.panels.forEach((panel, i) => {
    const row = Math.floor(i / columns);
    const inner = lineChartSvg({ ...panel, width: pw, height: rowHeights[row]! }).trimEnd();
    const x = (i % columns) * pw;
    const y = rowTops[row]!;
    // The panel's own root <svg> becomes a nested viewport at (x, y).
    out.push(inner.replace(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" /, `<svg x="${x}" y="${y}" `));
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
