/**
 * Numbers for people: the CLI's tables and the figures' subtitles share this one rule so that a value reads the
 * same on the terminal and in a plot.
 */

/**
 * Integers as they are; 6 significant digits without trailing zeros; exponent form below 1e-3 and from 1e6 on.
 *
 * @example formatNumber(0.0040000001) // '0.004'
 */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return x.toExponential(3);
  return x
    .toPrecision(6)
    .replace(/(\.\d*?)0+$/, '$1')
    .replace(/\.$/, '');
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
