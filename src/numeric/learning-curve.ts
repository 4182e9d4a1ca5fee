/**
 * The learning curve as a function of the aggregates (DESIGN §3.2), part of the numeric core that the game, the
 * incentive layer and the engine's coalition-value kernel share: L = L∞ + A·D^(−β) + η·Q/D, P = L_ref − L.
 * Replaceable: the solvers use only `performance` and `marginalPerformance` below, and the structure that
 * P is concave in x (§3.4).
 */
/** The learning curve L_S = L∞ + A·D^(−β) + η·H, performance P = L_ref − L (DESIGN §3.2). */
export interface LearningCurve {
  /** L∞ */
  readonly floor: number;
  /** A */
  readonly scale: number;
  /** β */
  readonly exponent: number;
  /** η */
  readonly heterogeneity: number;
  /** L_ref, the loss of an uninformed model (default ln C) */
  readonly reference: number;
  /**
   * ω, what one generated sample counts as in real samples (default 1). The game folds it into the sample counts
   * and A before any of the functions below see a curve (src/game/synthetic-worth.ts), so they never read it.
   */
  readonly syntheticWorth?: number;
}

/** L_S from the aggregates. */
export function loss(curve: LearningCurve, D: number, Q: number): number {
  return curve.floor + curve.scale * Math.pow(D, -curve.exponent) + (curve.heterogeneity * Q) / D;
}

/**
 * P_S = L_ref − L_S from the aggregates.
 * @example performance(scenario.learningCurve, 1e5, 0) // a balanced pool of 10⁵ samples
 */
export function performance(curve: LearningCurve, D: number, Q: number): number {
  return curve.reference - loss(curve, D, Q);
}

/**
 * The part of ∂P/∂x_n shared by every member: βA·D^(−β−1) + η·Q/D² (positive). The full partial derivative is
 * `commonMarginal + ownMarginal`.
 */
export function commonMarginal(curve: LearningCurve, D: number, Q: number): number {
  return curve.exponent * curve.scale * Math.pow(D, -curve.exponent - 1) + (curve.heterogeneity * Q) / (D * D);
}

/** The member-specific part of ∂P/∂x_n: η·s_n/(D·(d_n+x_n)²) (positive), s_n = d_n²δ⁰_n². */
export function ownMarginal(curve: LearningCurve, D: number, sn: number, un: number): number {
  return (curve.heterogeneity * sn) / (D * un * un);
}

/** ∂P_S/∂x_n for a member n with u_n = d_n + x_n. */
export function marginalPerformance(curve: LearningCurve, D: number, Q: number, sn: number, un: number): number {
  return commonMarginal(curve, D, Q) + ownMarginal(curve, D, sn, un);
}
