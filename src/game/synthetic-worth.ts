/**
 * What a generated sample is worth (DESIGN §3.2): the curve's `syntheticWorth` ω counts each synthetic sample as ω
 * real ones wherever the model counts samples — the pooled size D = Σ(d + ωx), the mixing that dilutes skew
 * (δ_n = δ⁰_n·d_n/(d_n + ωx_n)) and the private gain μ·ln(1 + ωx/d).
 *
 * Counted in synthetic samples instead (d' = d/ω real-sample equivalents), that model is exactly today's with
 * d' and A' = A·ω^(−β): D = ω·D', H is unchanged (it is a ratio of sizes), and A·D^(−β) = A'·D'^(−β). So the game
 * folds ω into d and A once, when it builds its model, and every solver, outside option and kernel runs unchanged
 * on the folded values, with the amounts x still in samples. Convexity in x and the potential structure (§3.4)
 * carry over: the folded model is an instance of the ω = 1 model. ω = 1 returns the inputs themselves, so a curve
 * without the field gives today's results bit for bit.
 */
import type { LearningCurve } from '../numeric/learning-curve.js';

/** ω of a curve (1 when the curve does not state it). */
export function syntheticWorthOf(curve: LearningCurve): number {
  return curve.syntheticWorth ?? 1;
}

/**
 * The curve and real sample counts in synthetic-sample units: A·ω^(−β) without ω, and d/ω. The same objects when
 * ω = 1.
 *
 * @example const { curve, samples } = foldSyntheticWorth(scenario.learningCurve, scenario.samples);
 */
export function foldSyntheticWorth(
  curve: LearningCurve,
  samples: Float64Array,
): { curve: LearningCurve; samples: Float64Array } {
  const omega = syntheticWorthOf(curve);
  if (omega === 1) return { curve, samples };
  const { syntheticWorth: _omega, ...rest } = curve;
  return {
    curve: { ...rest, scale: curve.scale * Math.pow(omega, -curve.exponent) },
    samples: samples.map((d) => d / omega),
  };
}
