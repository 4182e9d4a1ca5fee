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
