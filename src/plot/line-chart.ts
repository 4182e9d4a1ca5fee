/**
 * Line charts as standalone SVG, good enough to put in a paper: titled, with labelled axes (units included
 * in the label), "nice" tick values, a grid, a legend, markers on the measured points, and a colour-blind-safe
 * palette (Okabe–Ito) with distinct dash patterns and marker shapes so series survive greyscale printing. No
 * dependencies.
 *
 * What the legend shows is what is drawn: a series with one point is drawn as a marker (a line needs two) and listed
 * with its marker only; a series with no finite point is drawn nowhere and left out. Series that land on each
 * other stay visible: markers that share a point are drawn nested (the first largest), reference lines are drawn
 * over the data, and series that coincide at every point are named in a note under the legend.
 */
import { invalidArgument } from '../core/errors.js';
import { booleanOption, integerOption, isOptionsObject, numberOption, optionsRecord } from '../util/options.js';

/** The shapes a marker can take. */
export type MarkerShape = 'circle' | 'square' | 'triangle' | 'diamond' | 'triangle-down' | 'hexagon';

export interface Series {
  label: string;
  x: readonly number[];
  y: readonly number[];
  /** Draw markers on the points (default true; a series with a single point is drawn as a marker regardless). */
  markers?: boolean;
  /** Marker shape; default: the shape of the series' index among the data (non-reference) series. */
  marker?: MarkerShape;
  /** Draw no line, only markers (a scatter of measured points). */
  pointsOnly?: boolean;
  /** Colour; default: the palette colour of the series' index among the data series (grey for a reference). */
  color?: string;
  /** SVG dash pattern ('' for solid); default: the dash pattern of the series' index among the data series. */
  dash?: string;
  /**
   * A reference line (a cap, a level, y = x): drawn thinner and over the data lines, so that data running along it
   * cannot hide it; it takes no palette slot, and is listed in the legend as given.
   */
  reference?: boolean;
  /** A horizontal line at y[0] across the whole x axis (a cap, a threshold); its x values are not read. */
  acrossX?: boolean;
  /** List the series in the legend (default true; false where another panel of the figure lists it). */
  legend?: boolean;
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
  /** The x values are whole numbers (rounds): ticks only at integers. */
  xIntegers?: boolean;
  /** Force the y range to include 0. */
  yZero?: boolean;
  /** Force the y range to include these values (e.g. one range shared by the panels of a figure). */
  yInclude?: readonly number[];
  /**
   * The values the y quantity can take, [low, high] (a fraction: [0, 1]; a loss: [0, Infinity]): the axis and its
   * ticks never leave them, and what is drawn beyond them (an interval's end) is cut at the frame.
   */
  yBounds?: readonly [number, number];
  /** Columns of the legend. Default: 1 for up to 3 entries, else 2. */
  legendColumns?: number;
  /** Draw the legend (default true; a panel may leave it to a neighbour with the same series). */
  legend?: boolean;
}

/** Every y value the series draw: their points and the ends of their error bars. */
export function seriesYValues(series: readonly Series[]): number[] {
  if (!Array.isArray(series as unknown)) throw invalidArgument('series', 'an array of series', series);
  return series.flatMap((s: Series) =>
    (s.acrossX ? s.y.slice(0, 1) : s.y).concat((s.errorBars ?? []).flatMap((b) => (b ? [b[0], b[1]] : []))),
  );
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
/** Marker shapes, in the order series use them. */
export const MARKERS: readonly MarkerShape[] = ['circle', 'square', 'triangle', 'diamond', 'triangle-down', 'hexagon'];
/** The default colour of a reference line: a dark grey that no data series uses. */
export const REFERENCE_COLOR = '#555555';

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Tick values at 1, 2, 2.5 or 5 × 10^k covering [lo, hi] with about `count` ticks.
 *
 * @example
 * niceTicks(0, 1); // [0, 0.2, 0.4, 0.6, 0.8, 1] (up to rounding)
 */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (typeof lo !== 'number' || !Number.isFinite(lo)) throw invalidArgument('lo', 'a finite number', lo);
  if (typeof hi !== 'number' || !Number.isFinite(hi)) throw invalidArgument('hi', 'a finite number', hi);
  if (!Number.isSafeInteger(count) || count < 2 || count > 100)
    throw invalidArgument('count', 'an integer in [2, 100]', count);
  return ticksOf(lo, hi, count, 0);
}

/** niceTicks with a step of at least `minStep` (1 for an integer axis). */
function ticksOf(lo: number, hi: number, count: number, minStep: number): number[] {
  if (!(hi > lo)) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    return ticksOf(lo - pad, hi + pad, count, minStep);
  }
  const raw = (hi - lo) / Math.max(1, count - 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const nice = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  // An integer axis steps by whole numbers: 2.5 × 10^k is not one for k = 0.
  const step = minStep > 0 && nice < minStep ? minStep : minStep > 0 && nice === 2.5 ? 2 : nice;
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

/** A filled marker of `shape` centred on (x, y), about 2r across. */
function markerSvg(shape: MarkerShape, x: number, y: number, r: number, color: string): string {
  const f = (v: number) => v.toFixed(1);
  const polygon = (pts: readonly (readonly [number, number])[]) =>
    `<polygon points="${pts.map(([dx, dy]) => `${f(x + dx)},${f(y + dy)}`).join(' ')}" fill="${color}"/>`;
  switch (shape) {
    case 'circle':
      return `<circle cx="${f(x)}" cy="${f(y)}" r="${f(r)}" fill="${color}"/>`;
    case 'square': {
      const h = r * 0.9;
      return `<rect x="${f(x - h)}" y="${f(y - h)}" width="${f(2 * h)}" height="${f(2 * h)}" fill="${color}"/>`;
    }
    case 'triangle':
    case 'triangle-down': {
      const R = r * 1.3;
      const s = shape === 'triangle' ? 1 : -1;
      return polygon([
        [0, -s * R],
        [R * 0.866, (s * R) / 2],
        [-R * 0.866, (s * R) / 2],
      ]);
    }
    case 'diamond': {
      const R = r * 1.3;
      return polygon([
        [0, -R],
        [R * 0.8, 0],
        [0, R],
        [-R * 0.8, 0],
      ]);
    }
    case 'hexagon': {
      const R = r * 1.1;
      return polygon(
        Array.from({ length: 6 }, (_, k) => [R * Math.cos((k * Math.PI) / 3), R * Math.sin((k * Math.PI) / 3)]),
      );
    }
  }
}

const CHART_KEYS = [
  'title',
  'subtitle',
  'xLabel',
  'yLabel',
  'series',
  'width',
  'height',
  'xLog',
  'xIntegers',
  'yZero',
  'yInclude',
  'yBounds',
  'legendColumns',
  'legend',
];
const SERIES_KEYS = [
  'label',
  'x',
  'y',
  'markers',
  'marker',
  'pointsOnly',
  'color',
  'dash',
  'reference',
  'acrossX',
  'legend',
  'errorBars',
];

function checkText(o: Record<string, unknown>, key: string, name: string, required: boolean): void {
  const v = o[key];
  if (v === undefined && !required) return;
  if (typeof v !== 'string') throw invalidArgument(`${name}.${key}`, 'a string', v);
}

/** An array of numbers (NaN allowed: a gap that is not drawn). */
function checkNumbers(v: unknown, name: string): readonly number[] {
  if (!Array.isArray(v) || !v.every((e) => typeof e === 'number'))
    throw invalidArgument(name, 'an array of numbers', v);
  return v as number[];
}

function checkSeries(s: unknown, name: string): void {
  if (!isOptionsObject(s)) throw invalidArgument(name, 'a series object', s);
  const o = optionsRecord(s, SERIES_KEYS, name);
  checkText(o, 'label', name, true);
  checkText(o, 'color', name, false);
  checkText(o, 'dash', name, false);
  const x = checkNumbers(o.x, `${name}.x`);
  const y = checkNumbers(o.y, `${name}.y`);
  for (const key of ['markers', 'pointsOnly', 'reference', 'acrossX', 'legend'] as const)
    booleanOption(o, key, false, name);
  if (o.marker !== undefined && !MARKERS.includes(o.marker as MarkerShape))
    throw invalidArgument(`${name}.marker`, `one of ${MARKERS.join(', ')}`, o.marker);
  if (o.acrossX === true) {
    if (y.length < 1) throw invalidArgument(`${name}.y`, 'at least one value (the level) for a line across x', y);
  } else if (x.length !== y.length) {
    throw invalidArgument(`${name}.y`, `an array as long as ${name}.x (${x.length})`, y);
  }
  if (o.errorBars !== undefined) {
    const bars = o.errorBars;
    if (!Array.isArray(bars) || bars.length !== y.length)
      throw invalidArgument(`${name}.errorBars`, `an array as long as ${name}.y (${y.length})`, bars);
    bars.forEach((b, j) => {
      if (b !== null && !(Array.isArray(b) && b.length === 2 && b.every((e) => typeof e === 'number')))
        throw invalidArgument(`${name}.errorBars[${j}]`, 'null or a [low, high] pair of numbers', b);
    });
  }
}

/** INVALID_ARGUMENT naming the offending field unless `spec` is a chart spec lineChartSvg can draw. */
function checkChartSpec(spec: unknown, name: string): LineChartSpec {
  if (!isOptionsObject(spec)) throw invalidArgument(name, 'a chart spec object', spec);
  const o = optionsRecord(spec, CHART_KEYS, name);
  checkText(o, 'title', name, true);
  checkText(o, 'subtitle', name, false);
  checkText(o, 'xLabel', name, true);
  checkText(o, 'yLabel', name, true);
  if (!Array.isArray(o.series)) throw invalidArgument(`${name}.series`, 'an array of series', o.series);
  o.series.forEach((s, i) => checkSeries(s, `${name}.series[${i}]`));
  const size = (v: number) => Number.isFinite(v) && v >= 100 && v <= 20000;
  numberOption(o, 'width', 640, size, 'a size in [100, 20000] pixels', name);
  numberOption(o, 'height', 420, size, 'a size in [100, 20000] pixels', name);
  for (const key of ['xLog', 'xIntegers', 'yZero', 'legend'] as const) booleanOption(o, key, false, name);
  integerOption(o, 'legendColumns', 1, 1, 12, name);
  if (o.yInclude !== undefined) checkNumbers(o.yInclude, `${name}.yInclude`);
  if (o.yBounds !== undefined) {
    const b = o.yBounds;
    if (
      !Array.isArray(b) ||
      b.length !== 2 ||
      !b.every((e) => typeof e === 'number' && !Number.isNaN(e)) ||
      !((b[0] as number) < (b[1] as number)) ||
      !(Number.isFinite(b[0]) || Number.isFinite(b[1]))
    )
      throw invalidArgument(`${name}.yBounds`, 'a [low, high] pair with low < high, at least one finite', b);
  }
  return spec as unknown as LineChartSpec;
}

/** `text` cut at spaces into lines of at most about `chars` characters. */
function wrapWords(text: string, chars: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines[lines.length - 1];
    if (last !== undefined && last.length + 1 + word.length <= chars) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

/** A series' points in data units that can be drawn (finite, and > 0 on a log axis). */
function drawablePoints(s: Series, finiteX: (v: number) => boolean): [number, number][] {
  const pts: [number, number][] = [];
  for (let j = 0; j < Math.min(s.x.length, s.y.length); j++) {
    if (finiteX(s.x[j]!) && Number.isFinite(s.y[j]!)) pts.push([s.x[j]!, s.y[j]!]);
  }
  return pts;
}

/**
 * Render the chart as an SVG document. Bad specs (a missing label, x and y of different lengths, an unknown key)
 * throw INVALID_ARGUMENT naming the field.
 *
 * @example
 * lineChartSvg({ title: 'Retention', xLabel: 'round', yLabel: 'fraction', yBounds: [0, 1],
 *   series: [{ label: 'mechanism', x: [1, 2], y: [1, 1] }] });
 */
export function lineChartSvg(spec: LineChartSpec): string {
  return renderChart(checkChartSpec(spec, 'spec')).svg;
}

/**
 * The chart's SVG, and the height of the band under the x axis label that its legend and notes take. `minBand`
 * reserves at least that much, so that panels side by side (one with a legend or a note, one without) keep plot
 * areas of one height.
 */
function renderChart(spec: LineChartSpec, minBand = 0): { svg: string; band: number } {
  const width = spec.width ?? 640;
  const height = spec.height ?? 420;
  const margin = { top: spec.subtitle ? 62 : 48, right: 24, bottom: 56, left: 76 };
  const finiteX = (v: number) => Number.isFinite(v) && (!spec.xLog || v > 0);

  // Styles: references take no palette, dash or marker slot, so a data series keeps its colour whether or not a
  // panel also draws a reference line (the panels of one figure must agree on every series' colour).
  let dataIndex = 0;
  const style = spec.series.map((s) => {
    const k = s.reference ? 0 : dataIndex++;
    return {
      color: s.color ?? (s.reference ? REFERENCE_COLOR : PALETTE[k % PALETTE.length]!),
      dash: s.dash ?? (s.reference ? '' : DASHES[k % DASHES.length]!),
      width: s.reference ? 1.25 : 2,
      marker: s.marker ?? MARKERS[k % MARKERS.length]!,
      markers: Boolean(s.pointsOnly) || (s.markers ?? !s.reference),
    };
  });
  const points = spec.series.map((s) =>
    s.acrossX ? (Number.isFinite(s.y[0]) ? [[NaN, s.y[0]!] as [number, number]] : []) : drawablePoints(s, finiteX),
  );
  // A line needs two distinct points; a series with one is drawn as a marker instead, whatever `markers` says.
  const drawsLine = spec.series.map(
    (s, i) =>
      !s.pointsOnly &&
      points[i]!.length > 0 &&
      (Boolean(s.acrossX) || points[i]!.some(([x, y]) => x !== points[i]![0]![0] || y !== points[i]![0]![1])),
  );
  const drawsMarkers = spec.series.map(
    (s, i) => points[i]!.length > 0 && !s.acrossX && (style[i]!.markers || !drawsLine[i]),
  );
  const inLegend = spec.series.map((s, i) => s.legend !== false && points[i]!.length > 0);
  const legendCount = inLegend.filter(Boolean).length;
  const columns = Math.max(1, Math.floor(spec.legendColumns ?? (legendCount <= 3 ? 1 : 2)));
  const showLegend = spec.legend !== false && legendCount > 0;
  const legendRows = showLegend ? Math.ceil(legendCount / columns) : 0;

  // Ranges.
  const [bLo, bHi] = spec.yBounds ?? [-Infinity, Infinity];
  const clampB = (v: number) => Math.min(bHi, Math.max(bLo, v));
  const xs = spec.series.flatMap((s) => (s.acrossX ? [] : s.x.filter(finiteX)));
  const ys = seriesYValues(spec.series)
    .filter(Number.isFinite)
    .concat((spec.yInclude ?? []).filter(Number.isFinite))
    .map(clampB);
  let xMin = xs.length ? Math.min(...xs) : spec.xLog ? 1 : 0;
  let xMax = xs.length ? Math.max(...xs) : spec.xLog ? 10 : 1;
  let yMin = ys.length ? Math.min(...ys) : Number.isFinite(bLo) ? bLo : 0;
  let yMax = ys.length ? Math.max(...ys) : Number.isFinite(bHi) ? bHi : Math.max(1, yMin + 1);
  if (spec.yZero) {
    yMin = Math.min(0, yMin);
    yMax = Math.max(0, yMax);
  }
  // A little headroom, so that a series running along the top or bottom tick (a cap, say) is not hidden by the
  // frame; none below a zero the range was asked to start at, and none past a bound (the inset below does that).
  const pad = 0.03 * (yMax - yMin);
  if (!(spec.yZero && yMin === 0)) yMin = Math.max(bLo, yMin - pad);
  yMax = Math.min(bHi, yMax + pad);
  const tx = spec.xLog ? Math.log10 : (v: number) => v;
  let xTicks: number[];
  if (spec.xLog) {
    const lo = Math.floor(Math.log10(xMin));
    const hi = Math.ceil(Math.log10(xMax));
    xTicks = Array.from({ length: Math.max(1, hi - lo) + 1 }, (_, i) => 10 ** (lo + i));
  } else if (spec.xIntegers) {
    // Whole-number ticks over the whole numbers the points sit at (or near, when nudged apart).
    xTicks = ticksOf(Math.round(xMin), Math.round(xMax), 6, 1);
  } else {
    xTicks = ticksOf(xMin, xMax, 6, 0);
  }
  const rawY = ticksOf(yMin, yMax, 6, 0);
  // Rounds nudged apart (or the last round) would sit on the frame: leave them a little room.
  const xPad = spec.xIntegers ? 0.04 * (xMax - xMin || 1) : 0;
  xMin = Math.min(xMin - xPad, xTicks[0]!);
  xMax = Math.max(xMax + xPad, xTicks[xTicks.length - 1]!);
  yMin = Math.max(bLo, rawY[0]!);
  yMax = Math.min(bHi, rawY[rawY.length - 1]!);
  const tickEps = 1e-9 * (yMax - yMin);
  let yTicks = rawY.filter((t) => t >= yMin - tickEps && t <= yMax + tickEps);
  if (yTicks.length === 0) yTicks = [yMin, yMax];
  // At a bound the axis stops, and the frame sits a few pixels beyond it so that a line at the bound (retention 1)
  // is not drawn on the frame.
  const insetTop = yMax === bHi ? 6 : 0;
  const insetBottom = yMin === bLo ? 6 : 0;

  // Series that coincide at every point (within under a pixel) are named in a note: they cannot be told apart.
  const approxPlotH = height - margin.top - margin.bottom - (showLegend ? legendRows * 18 + 8 : 0);
  const yTol = (0.5 * (yMax - yMin)) / Math.max(1, approxPlotH - insetTop - insetBottom);
  const groupOf: number[] = spec.series.map((_, i) => i);
  spec.series.forEach((s, j) => {
    if (s.reference || s.acrossX || points[j]!.length === 0) return;
    for (let i = 0; i < j; i++) {
      const a = points[i]!;
      const b = points[j]!;
      if (spec.series[i]!.reference || groupOf[i] !== i || a.length !== b.length) continue;
      const same = a.every(
        ([x, y], k) => Math.abs(x - b[k]![0]) <= 1e-9 * Math.max(1, Math.abs(x)) && Math.abs(y - b[k]![1]) <= yTol,
      );
      if (same) {
        groupOf[j] = i;
        break;
      }
    }
  });
  const groups = groupOf
    .map((g, i) => (g === i ? groupOf.flatMap((h, j) => (h === i ? [j] : [])) : []))
    .filter((g) => g.length > 1);
  // One note per group, wrapped to the plot's width (about 6 px a character at 11 px).
  const plotW = width - margin.left - margin.right;
  const notes = groups.flatMap((g) =>
    wrapWords(`Indistinguishable at this scale: ${g.map((i) => spec.series[i]!.label).join(' = ')}`, plotW / 6),
  );
  const band = (showLegend ? legendRows * 18 + 8 : 0) + notes.length * 16 + (notes.length && !showLegend ? 6 : 0);
  const legendHeight = Math.max(minBand, band);
  const plotH = height - margin.top - margin.bottom - legendHeight;
  const sx = (v: number) => margin.left + ((tx(v) - tx(xMin)) / (tx(xMax) - tx(xMin) || 1)) * plotW;
  const sy = (v: number) =>
    margin.top + plotH - insetBottom - ((v - yMin) / (yMax - yMin || 1)) * (plotH - insetTop - insetBottom);
  // What is drawn past a bound (an interval's end) is cut at the frame.
  const syClamped = (v: number) => Math.min(margin.top + plotH, Math.max(margin.top, sy(v)));

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
      `<text class="y-tick" x="${margin.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${formatTick(t)}</text>`,
    );
  }
  for (const t of xTicks) {
    const x = sx(t).toFixed(1);
    out.push(`<line x1="${x}" x2="${x}" y1="${margin.top}" y2="${margin.top + plotH}" stroke="#e5e5e5"/>`);
    out.push(
      `<text class="x-tick" x="${x}" y="${margin.top + plotH + 16}" text-anchor="middle">${formatTick(t)}</text>`,
    );
  }
  out.push(`<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`);
  out.push(
    `<text x="${margin.left + plotW / 2}" y="${margin.top + plotH + 38}" text-anchor="middle">${escapeXml(spec.xLabel)}</text>`,
  );
  out.push(
    `<text transform="translate(18 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(spec.yLabel)}</text>`,
  );
  // series
  const strokeOf = (i: number) => {
    const { color, dash, width } = style[i]!;
    return `stroke="${color}" stroke-width="${width}"${dash ? ` stroke-dasharray="${dash}"` : ''}`;
  };
  const group = (i: number, what: string, body: string[]) => {
    if (body.length) out.push(`<g class="${what}" data-series="${escapeXml(spec.series[i]!.label)}">`, ...body, '</g>');
  };
  const pixels = points.map((pts, i) =>
    spec.series[i]!.acrossX
      ? [
          [margin.left, sy(pts[0]![1])],
          [margin.left + plotW, sy(pts[0]![1])],
        ]
      : pts.map(([x, y]) => [sx(x), sy(y)]),
  );
  const lineOf = (i: number): string[] => {
    const s = spec.series[i]!;
    const body: string[] = [];
    if (drawsLine[i]) {
      const d = pixels[i]!.map(([x, y], j) => `${j ? 'L' : 'M'}${x!.toFixed(1)} ${y!.toFixed(1)}`).join(' ');
      body.push(`<path d="${d}" fill="none" ${strokeOf(i)}/>`);
    }
    s.errorBars?.forEach((bar, j) => {
      if (!bar || !finiteX(s.x[j]!) || !Number.isFinite(bar[0]) || !Number.isFinite(bar[1])) return;
      const x = sx(s.x[j]!).toFixed(1);
      const [lo, hi] = [syClamped(bar[0]).toFixed(1), syClamped(bar[1]).toFixed(1)];
      const cap = (y: string, v: number) =>
        syClamped(v) === sy(v) ? ` M${(Number(x) - 4).toFixed(1)} ${y} H${(Number(x) + 4).toFixed(1)}` : '';
      body.push(
        `<path d="M${x} ${lo} V${hi}${cap(lo, bar[0])}${cap(hi, bar[1])}" fill="none" stroke="${style[i]!.color}" stroke-width="1.25"/>`,
      );
    });
    return body;
  };
  // Data lines first, then the reference lines over them (a cap the data runs into must stay visible), then every
  // marker over all lines.
  spec.series.forEach((s, i) => !s.reference && group(i, 'series-line', lineOf(i)));
  spec.series.forEach((s, i) => s.reference && group(i, 'series-line', lineOf(i)));
  // A level across the axis is also named where it is drawn, at its right end.
  spec.series.forEach((s, i) => {
    if (!s.acrossX || !drawsLine[i]) return;
    const [x, y] = pixels[i]![1]!;
    out.push(
      `<text class="level-label" x="${(x! - 4).toFixed(1)}" y="${(y! - 5).toFixed(1)}" text-anchor="end" font-size="11" fill="${style[i]!.color}">${escapeXml(s.label)}</text>`,
    );
  });
  // Markers that share a point are drawn nested, the first drawn largest, so every one of them shows.
  const key = ([x, y]: number[]) => `${Math.round(x!)},${Math.round(y!)}`;
  const atPoint = new Map<string, number[]>();
  pixels.forEach(
    (px, i) => drawsMarkers[i] && px.forEach((p) => atPoint.set(key(p), [...(atPoint.get(key(p)) ?? []), i])),
  );
  spec.series.forEach((_, i) => {
    if (!drawsMarkers[i]) return;
    const body = pixels[i]!.map((p) => {
      const sharing = atPoint.get(key(p))!;
      const above = sharing.length - 1 - sharing.lastIndexOf(i);
      return markerSvg(style[i]!.marker, p[0]!, p[1]!, 3 + 1.5 * above, style[i]!.color);
    });
    group(i, 'series-markers', body);
  });
  let ly = height - legendHeight + 4;
  if (showLegend) {
    const legendColumnWidth = plotW / columns;
    let k = 0;
    spec.series.forEach((s, i) => {
      if (!inLegend[i]) return;
      const y = ly + Math.floor(k / columns) * 18;
      const lx = margin.left + (k % columns) * legendColumnWidth;
      k++;
      const body: string[] = [];
      if (drawsLine[i]) body.push(`<line x1="${lx}" x2="${lx + 28}" y1="${y + 6}" y2="${y + 6}" ${strokeOf(i)}/>`);
      if (drawsMarkers[i]) body.push(markerSvg(style[i]!.marker, lx + 14, y + 6, 3, style[i]!.color));
      body.push(`<text x="${lx + 36}" y="${y + 6}" dominant-baseline="middle">${escapeXml(s.label)}</text>`);
      group(i, 'legend-entry', body);
    });
    ly += legendRows * 18 + 4;
  } else if (notes.length) {
    ly += 6;
  }
  notes.forEach((note, n) =>
    out.push(
      `<text class="note" x="${margin.left}" y="${ly + 6 + n * 16}" font-size="11" fill="#444" dominant-baseline="middle">${escapeXml(note)}</text>`,
    ),
  );
  out.push('</svg>');
  return { svg: out.join('\n') + '\n', band };
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
 * and placed as a nested `<svg>`. A bad spec throws INVALID_ARGUMENT naming the field (`spec.panels[1].series`).
 *
 * @example
 * writeFileAtomic('welfare.svg', panelsSvg({ title: 'Social welfare', panels: [chartA, chartB] }));
 */
export function panelsSvg(spec: PanelFigureSpec): string {
  if (!isOptionsObject(spec)) throw invalidArgument('spec', 'a panel figure spec object', spec);
  const o = optionsRecord(spec, ['title', 'subtitle', 'panels', 'columns', 'panelWidth', 'panelHeight'], 'spec');
  checkText(o, 'title', 'spec', true);
  checkText(o, 'subtitle', 'spec', false);
  if (!Array.isArray(o.panels) || o.panels.length === 0)
    throw invalidArgument('spec.panels', 'a non-empty array of chart specs', o.panels);
  o.panels.forEach((p, i) => checkChartSpec(p, `spec.panels[${i}]`));
  integerOption(o, 'columns', 1, 1, 100, 'spec');
  const size = (v: number) => Number.isFinite(v) && v >= 100 && v <= 20000;
  numberOption(o, 'panelWidth', 560, size, 'a size in [100, 20000] pixels', 'spec');
  numberOption(o, 'panelHeight', 420, size, 'a size in [100, 20000] pixels', 'spec');
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
  const sized = spec.panels.map((panel, i) => ({ ...panel, width: pw, height: rowHeights[Math.floor(i / columns)]! }));
  // Every panel of a row leaves the room the tallest legend and notes in it take, so that their plot areas line up.
  const bands = sized.map((panel) => renderChart(panel).band);
  const rowBands = rowHeights.map((_, r) => Math.max(...bands.slice(r * columns, (r + 1) * columns)));
  sized.forEach((panel, i) => {
    const row = Math.floor(i / columns);
    const inner = renderChart(panel, rowBands[row]).svg.trimEnd();
    const x = (i % columns) * pw;
    const y = rowTops[row]!;
    // The panel's own root <svg> becomes a nested viewport at (x, y).
    out.push(inner.replace(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" /, `<svg x="${x}" y="${y}" `));
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
