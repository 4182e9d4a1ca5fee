/**
 * Numbers for people: the CLI's tables and the figures' subtitles share this one rule so that a value reads the
 * same on the terminal and in a plot.
 */

/**
 * Integers as they are; `significant` digits (default 6, enough to echo what a user typed) without trailing zeros;
 * exponent form below 1e-3 and from 1e6 on. Derived quantities read better at 4.
 *
 * @example formatNumber(0.0040000001) // '0.004'
 * @example formatNumber(9.36059, 4) // '9.361'
 */
export function formatNumber(x: number, significant = 6): string {
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return x.toExponential(Math.min(3, significant - 1));
  return trimZeros(x.toPrecision(significant));
}

function trimZeros(text: string): string {
  return text.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}

/**
 * A table column: every value with the same decimals, as many as give the column's largest magnitude `significant`
 * digits (default 4), and no more than the values need (a column of counts stays integral, accuracies on 1,000
 * images keep their 3 decimals). Zero is `0`; non-finite values print as they are, so that they stay visible.
 * Columns below 1e-3 or from 1e15 on use exponent form.
 *
 * @example formatColumn([6215.3, 6531.94, 0]) // ['6215', '6532', '0']
 * @example formatColumn([0.751, 0.746]) // ['0.751', '0.746']
 */
export function formatColumn(values: readonly number[], significant = 4): string[] {
  const max = Math.max(0, ...values.filter(Number.isFinite).map(Math.abs));
  if (max > 0 && (max < 1e-3 || max >= 1e15))
    return values.map((v) => (v === 0 || !Number.isFinite(v) ? String(v) : v.toExponential(significant - 1)));
  const most = max === 0 ? 0 : Math.max(0, significant - 1 - Math.floor(Math.log10(max)));
  const needed = Math.max(0, ...values.filter(Number.isFinite).map((v) => decimalsOf(trimZeros(v.toFixed(most)))));
  return values.map((v) => {
    if (v === 0 || !Number.isFinite(v)) return String(v);
    const text = v.toFixed(needed);
    return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text; // no "-0.00" for a tiny negative
  });
}

function decimalsOf(text: string): number {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/**
 * A duration in milliseconds for people: integers from 10 ms on, two significant digits below.
 *
 * @example formatMilliseconds(0.00113198) // '1.1 ms'
 */
export function formatMilliseconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return `${seconds} ms`;
  const ms = seconds * 1000;
  return `${ms >= 10 ? Math.round(ms) : formatNumber(Number(ms.toPrecision(2)))} ms`;
}

/**
 * A mean with the half-width of its interval, both rounded to the interval's second significant digit (what the
 * interval lets one claim): `0.812 ± 0.011`. Without an interval (one value): the mean alone.
 *
 * @example formatMeanInterval(0.81234, 0.01132) // '0.812 ± 0.011'
 */
export function formatMeanInterval(mean: number, halfWidth: number | null): string {
  if (halfWidth === null || !Number.isFinite(halfWidth) || !Number.isFinite(mean)) return formatNumber(mean);
  if (halfWidth === 0) return `${formatNumber(mean)} ± 0`;
  const a = Math.max(Math.abs(mean), halfWidth);
  if (a < 1e-3 || a >= 1e6) return `${mean.toExponential(2)} ± ${halfWidth.toExponential(1)}`;
  const decimals = Math.max(0, 1 - Math.floor(Math.log10(halfWidth)));
  return `${mean.toFixed(decimals)} ± ${halfWidth.toFixed(decimals)}`;
}

/**
 * A duration in seconds for people: tenths from 1 s on, two significant digits below (timings are noisy).
 *
 * @example formatSeconds(5.18871) // '5.2'
 */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return String(seconds);
  return seconds >= 1 ? seconds.toFixed(1) : formatNumber(Number(seconds.toPrecision(2)));
}

/**
 * A count with its noun, singular for one: `counted(1, 'round')` is '1 round', `counted(3, 'round')` '3 rounds'.
 * `plural` for nouns that do not take an s.
 */
export function counted(n: number, noun: string, plural = `${noun}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? noun : plural}`;
}
