/**
 * Label skew and heterogeneity (DESIGN §3.2).
 *
 * δ⁰_n = ‖p_n − p*‖₁; after generating x_n samples from p*, δ_n(x_n) = δ⁰_n·d_n/(d_n + x_n). The pooled
 * heterogeneity of a set S is H_S = Σ_{n∈S} ((d_n+x_n)/D_S)·δ_n² = Q_S / D_S with the aggregate
 * Q_S = Σ_{n∈S} s_n/(d_n + x_n), s_n = d_n²·(δ⁰_n)². Everything the learning curve needs from x is the pair of
 * aggregates (D_S, Q_S): the aggregative structure the solvers use.
 */
import { backendOfOption, type Engine } from '../engine/engine.js';
import { optionsRecord } from '../util/options.js';
import type { Scenario } from './scenario.js';

/** Where {@link initialSkew} runs: without an engine, the plain-TS loop (the reference), synchronously. */
export interface InitialSkewOptions {
  /**
   * Run on this engine's L1-distance kernel (`engine.l1Distances` with the sample counts as totals) and resolve: the
   * same bits on the js and native backends, float32 on WebGPU (within (3·classes + 6)·2^-24).
   */
  engine?: Engine;
}

/**
 * δ⁰_n = ‖h_n/d_n − p*‖₁ for every organization; a Promise when `options.engine` is given. The game's own paths use
 * the synchronous reference.
 *
 * @example
 * const delta0 = initialSkew(scenario);
 * const same = await initialSkew(scenario, { engine }); // = delta0 on js / native
 */
export function initialSkew(s: Scenario, options: InitialSkewOptions & { engine: Engine }): Promise<Float64Array>;
export function initialSkew(s: Scenario, options?: InitialSkewOptions): Float64Array;
export function initialSkew(s: Scenario, options: InitialSkewOptions = {}): Float64Array | Promise<Float64Array> {
  optionsRecord(options, ['engine'], 'options');
  if (options.engine !== undefined) return initialSkewOnEngine(options.engine, s);
  return initialSkewReference(s);
}

function initialSkewReference(s: Scenario): Float64Array {
  const { n, classes, labelCounts, samples, targetDistribution } = s;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let acc = 0;
    const inv = 1 / samples[i];
    for (let k = 0; k < classes; k++) acc += Math.abs(labelCounts[i * classes + k] * inv - targetDistribution[k]);
    out[i] = acc;
  }
  return out;
}

/** δ_n(x_n) = δ⁰_n·d_n/(d_n + x_n). */
export function skewAfter(delta0: number, d: number, x: number): number {
  return (delta0 * d) / (d + x);
}

/** s_n = d_n²·(δ⁰_n)², the numerator of each organization's term in Q. */
export function skewMass(d: Float64Array, delta0: Float64Array): Float64Array {
  const out = new Float64Array(d.length);
  for (let i = 0; i < d.length; i++) out[i] = d[i] * d[i] * delta0[i] * delta0[i];
  return out;
}

/** @deprecated Use `initialSkew(scenario, { engine })`, the one form in which domain code runs on an engine. */
export function initialSkewOn(engine: Engine, s: Scenario): Promise<Float64Array> {
  return initialSkew(s, { engine });
}

async function initialSkewOnEngine(engine: Engine, s: Scenario): Promise<Float64Array> {
  backendOfOption(engine, 'initialSkew');
  return engine.l1Distances({
    counts: s.labelCounts,
    groups: s.n,
    classes: s.classes,
    target: s.targetDistribution,
    totals: s.samples,
  });
}
