/**
 * Private gain g_n(x_n) = μ_n·ln(1 + x_n/d_n) (DESIGN §3.2): what n's own synthetic data adds to its locally
 * adapted model. Concave, increasing; replaceable by any concave increasing function with its derivative.
 */

/** g_n(x_n). */
export function privateGain(mu: number, d: number, x: number): number {
  return mu === 0 ? 0 : mu * Math.log1p(x / d);
}

/** g'_n(x_n) = μ_n/(d_n + x_n). */
export function marginalPrivateGain(mu: number, d: number, x: number): number {
  return mu / (d + x);
}
