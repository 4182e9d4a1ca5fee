/**
 * Coalition values of the cooperative game behind the Shapley contributions (DESIGN §4): the reference kernel.
 *
 *   v(S) = max_{x_S ∈ Π_{n∈S}[0, X_n]} Σ_{n∈S} U^S_n(x)      (S trains alone; competition among its members only)
 *
 * with, for the members of S,
 *   harm^S_n = Σ_{m∈S∖n} γ_nm ρ_m,   exp^S_n = Σ_{m∈S∖n} γ_mn,   a^S_n = ρ_n + λ·harm^S_n,
 *   κ^S_n = a^S_n − ρ_n·exp^S_n,      Σ_{n∈S} U^S_n = (Σ_S κ^S)·P_S(x) + Σ_{n∈S} [κ^S_n g_n(x_n) − c_n x_n]
 * (§3.3 restricted to S), so v(N) = SW(x^opt) and v(∅) = 0. The welfare of S is an aggregative objective
 * (objective.ts) with α = Σ_S κ^S, m_n = κ^S_n μ_n, e_n = c_n on the members S: each v(S) is one call of the game
 * layer's aggregative Newton solver; a coalition whose welfare is not concave (some κ^S_n < 0 with μ_n > 0, or
 * Σκ^S < 0) falls back to the game layer's coordinate ascent from three starts (x = 0, X, the warm start) and is
 * counted in `nonConcave`.
 *
 * Kernel contract (the native and WGSL versions compute the same thing): inputs are plain numeric arrays
 * (`CoalitionGame`) and coalition masks (bit n set ⇔ organization n ∈ S, N ≤ 32 for masks), outputs one value
 * per mask. `coalitionValues` solves each mask from scratch (the shared test table); `allCoalitionValues` solves
 * all 2^N coalitions in Gray-code order, so consecutive coalitions differ by one member: the coefficients
 * harm^S, exp^S are updated in O(N) per step and each solve is warm-started from the previous coalition's
 * aggregates (D, Q) corrected for the member that joined or left, which typically halves the Newton passes.
 * `prefixValues` does the same along a permutation (Monte-Carlo Shapley).
 *
 * The same kernel on the engine's backends (js, native, WebGPU; src/engine/kernels/coalition-values/contract.ts states the
 * numeric contract): `packCoalitionGame` turns the game into per-member arrays (d, s, X, c, μ, k0 = ρ) and the pair
 * weights W_ij = λ·γ_ij·ρ_j − ρ_i·γ_ji, so that κ^S_i = ρ_i + Σ_{j∈S∖i} W_ij; `coalitionValuesOn` runs it and solves
 * the coalitions the kernel leaves as NaN (welfare not concave) here, by coordinate ascent from three starts.
 */
import {
  coordinateAscent,
  maximizeAggregative,
  performance,
  privateGain,
  type AggregativeObjective,
  type GameModel,
  type LearningCurve,
} from '../game/index.js';
import { invalidArgument } from '../core/errors.js';
import { checkGameModel } from '../game/model.js';
import { backendOfOption, type Engine } from '../engine/engine.js';
import { optionsRecord } from '../util/options.js';
import type { CoalitionValuesInput } from '../engine/kernels/coalition-values/contract.js';

/** Everything a coalition value depends on, as plain arrays (the kernel's inputs). */
export interface CoalitionGame {
  readonly n: number;
  readonly curve: LearningCurve;
  /** d_n */
  readonly d: Float64Array;
  /** s_n = d_n²δ⁰_n² */
  readonly s: Float64Array;
  /** X_n */
  readonly X: Float64Array;
  /** c_n */
  readonly c: Float64Array;
  /** μ_n */
  readonly mu: Float64Array;
  /** ρ_n */
  readonly rho: Float64Array;
  /** Dense row-major Γ (N×N, zero diagonal), or null for uniform competition with off-diagonal `gammaUniform`. */
  readonly gamma: Float64Array | null;
  /** The off-diagonal entry γ of uniform competition (used when `gamma` is null). */
  readonly gammaUniform: number;
  /** λ */
  readonly lambda: number;
}

/** Diagnostics of a batch of coalition solves. */
export interface CoalitionStats {
  /** Coalitions solved. */
  solves: number;
  /** Coalitions whose welfare was not concave (solved by coordinate ascent from three starts). */
  nonConcave: number;
  /** Largest KKT residual met (objective.ts definition). */
  worstKkt: number;
  /** Coalitions whose solve did not reach the tolerance. */
  notConverged: number;
  /** Total passes over the members in the Newton solver. */
  passes: number;
}

export interface CoalitionOptions {
  /** KKT residual each coalition optimum must reach. Default 1e-9. */
  tolerance?: number;
}

/** Options of {@link coalitionValues}: where it runs as well as how exactly. */
export interface CoalitionValuesOptions extends CoalitionOptions {
  /**
   * Run on this engine's coalition-value kernel and resolve; coalitions whose welfare is not concave come back from
   * the kernel as NaN and are solved here (coordinate ascent from three starts), as without an engine.
   */
  engine?: Engine;
}

/**
 * The coalition game of a model (Γ kept dense or uniform as given).
 * @example const game = coalitionGame(createGameModel(scenario));
 */
export function coalitionGame(model: GameModel): CoalitionGame {
  checkGameModel(model);
  const comp = model.scenario.competition;
  const n = model.n;
  return {
    n,
    curve: model.curve,
    d: model.d,
    s: model.s,
    X: model.X,
    c: model.c,
    mu: model.mu,
    rho: model.rho,
    gamma: comp.kind === 'matrix' ? comp.gamma : null,
    gammaUniform: comp.kind === 'uniform' && n > 1 ? comp.intensity / (n - 1) : 0,
    lambda: model.scenario.rivalry,
  };
}

export function emptyStats(): CoalitionStats {
  return { solves: 0, nonConcave: 0, worstKkt: 0, notConverged: 0, passes: 0 };
}

/**
 * Incremental state of one coalition: members, harm^S and exp^S for every organization (members or not), and the
 * last solution, for warm starts. O(N) per member joining or leaving.
 */
export class CoalitionSolver {
  readonly game: CoalitionGame;
  readonly stats: CoalitionStats = emptyStats();
  readonly #tol: number;
  readonly #inS: Uint8Array;
  readonly #harm: Float64Array;
  readonly #exp: Float64Array;
  readonly #m: Float64Array;
  readonly #members: Int32Array;
  /** Last amount each organization had in a solved coalition (warm starts when it joins again). */
  readonly #xLast: Float64Array;
  #count = 0;
  #rhoSum = 0;
  /** Aggregates of the last solved coalition, adjusted for joins and leaves since. */
  #D = 0;
  #Q = 0;
  #warm = false;

  constructor(game: CoalitionGame, options: CoalitionOptions = {}) {
    this.game = game;
    this.#tol = options.tolerance ?? 1e-9;
    const n = game.n;
    this.#inS = new Uint8Array(n);
    this.#harm = new Float64Array(n);
    this.#exp = new Float64Array(n);
    this.#m = new Float64Array(n);
    this.#members = new Int32Array(n);
    this.#xLast = new Float64Array(n);
  }

  get size(): number {
    return this.#count;
  }

  has(j: number): boolean {
    return this.#inS[j] === 1;
  }

  /** Adds organization j to the coalition (no-op when it is already in). */
  add(j: number): void {
    if (this.#inS[j]) return;
    this.#toggle(j, 1);
    const u = this.game.d[j] + this.#xLast[j];
    this.#D += u;
    this.#Q += this.game.s[j] / u;
  }

  /** Removes organization j from the coalition (no-op when it is not in). */
  remove(j: number): void {
    if (!this.#inS[j]) return;
    this.#toggle(j, -1);
    const u = this.game.d[j] + this.#xLast[j];
    this.#D -= u;
    this.#Q -= this.game.s[j] / u;
  }

  /** Empties the coalition. */
  clear(): void {
    for (let j = 0; j < this.game.n; j++) if (this.#inS[j]) this.#toggle(j, -1);
    this.#D = 0;
    this.#Q = 0;
    this.#warm = false;
  }

  #toggle(j: number, sign: 1 | -1): void {
    const { gamma, rho, n } = this.game;
    this.#inS[j] = sign > 0 ? 1 : 0;
    this.#rhoSum += sign * rho[j];
    if (gamma) {
      const row = j * n;
      const rj = sign * rho[j];
      for (let i = 0; i < n; i++) {
        if (i === j) continue;
        this.#harm[i] += gamma[i * n + j] * rj; // γ_ij ρ_j
        this.#exp[i] += sign * gamma[row + i]; // γ_ji
      }
    }
    // members list in index order, rebuilt lazily in `value`
    this.#count += sign;
  }

  /** κ^S_i for a member i. */
  #kappa(i: number): number {
    const { rho, lambda, gamma, gammaUniform } = this.game;
    let harm: number;
    let exposure: number;
    if (gamma) {
      harm = this.#harm[i];
      exposure = this.#exp[i];
    } else {
      harm = gammaUniform * (this.#rhoSum - rho[i]);
      exposure = gammaUniform * (this.#count - 1);
    }
    return rho[i] + lambda * harm - rho[i] * exposure;
  }

  /** v(S) of the current coalition. Warm-started from the previous solve when there was one. */
  value(): number {
    const g = this.game;
    const count = this.#count;
    if (count === 0) {
      this.#D = 0;
      this.#Q = 0;
      return 0;
    }
    let k = 0;
    let K = 0;
    let concave = true;
    for (let i = 0; i < g.n; i++) {
      if (!this.#inS[i]) continue;
      this.#members[k++] = i;
      const kap = this.#kappa(i);
      K += kap;
      const mi = kap * g.mu[i];
      this.#m[i] = mi;
      if (mi < 0) concave = false;
    }
    if (K < 0) concave = false;
    const members = this.#members.subarray(0, count);
    const obj: AggregativeObjective = { curve: g.curve, d: g.d, s: g.s, X: g.X, alpha: K, m: this.#m, e: g.c, members };
    this.stats.solves++;
    let x: Float64Array;
    let D: number;
    let Q: number;
    if (concave) {
      const warm = this.#warm && this.#D > 0 ? { initial: { D: this.#D, Q: this.#Q } } : {};
      const sol = maximizeAggregative(obj, { tolerance: this.#tol, ...warm });
      this.stats.passes += sol.passes;
      if (sol.kktResidual > this.stats.worstKkt) this.stats.worstKkt = sol.kktResidual;
      if (!sol.converged) this.stats.notConverged++;
      x = sol.x;
      D = sol.D;
      Q = sol.Q;
    } else {
      this.stats.nonConcave++;
      const starts = [new Float64Array(g.n), Float64Array.from(g.X), Float64Array.from(this.#xLast)];
      let best = -Infinity;
      let bestX: Float64Array = starts[0];
      let bestKkt = Infinity;
      for (const x0 of starts) {
        const res = coordinateAscent(obj, x0);
        const val = welfareOf(g, obj, res.x);
        if (val > best) {
          best = val;
          bestX = res.x;
          bestKkt = res.kktResidual;
        }
      }
      if (bestKkt > this.stats.worstKkt) this.stats.worstKkt = bestKkt;
      if (!(bestKkt <= this.#tol)) this.stats.notConverged++;
      x = bestX;
      D = 0;
      Q = 0;
      for (let t = 0; t < count; t++) {
        const i = members[t];
        const u = g.d[i] + x[i];
        D += u;
        Q += g.s[i] / u;
      }
    }
    for (let t = 0; t < count; t++) this.#xLast[members[t]] = x[members[t]];
    this.#D = D;
    this.#Q = Q;
    this.#warm = true;
    return welfareAt(g, obj, x, D, Q);
  }
}

/** Σ_S κ^S P_S + Σ_S [κ^S g − c x] from the objective's coefficients (m = κμ, so κ g = m ln(1 + x/d)). */
function welfareAt(g: CoalitionGame, obj: AggregativeObjective, x: Float64Array, D: number, Q: number): number {
  const members = obj.members!;
  let val = obj.alpha * performance(g.curve, D, Q);
  for (let t = 0; t < members.length; t++) {
    const i = members[t];
    const mi = obj.m[i];
    // κ^S_i g_i(x_i) = κ^S_i μ_i ln(1 + x_i/d_i) = m_i ln(1 + x_i/d_i)
    val += (mi === 0 ? 0 : privateGain(mi, g.d[i], x[i])) - g.c[i] * x[i];
  }
  return val;
}

function welfareOf(g: CoalitionGame, obj: AggregativeObjective, x: Float64Array): number {
  const members = obj.members!;
  let D = 0;
  let Q = 0;
  for (let t = 0; t < members.length; t++) {
    const i = members[t];
    const u = g.d[i] + x[i];
    D += u;
    Q += g.s[i] / u;
  }
  return welfareAt(g, obj, x, D, Q);
}

/** Largest N for which coalitions are addressed by 32-bit masks. */
export const MAX_MASK_ORGANIZATIONS = 30;

function checkMaskGame(game: CoalitionGame, what: string): void {
  if (game.n > MAX_MASK_ORGANIZATIONS) {
    throw invalidArgument(
      what,
      `a game with at most ${MAX_MASK_ORGANIZATIONS} organizations (coalition masks)`,
      game.n,
    );
  }
}

/**
 * v(S) for each coalition mask (or for all 2^N masks with `'all'`), each solved from scratch (no state shared between
 * masks): the kernel's reference, synchronously; with `options.engine`, the engine's kernel, as a Promise.
 * @example
 * coalitionValues(game, Uint32Array.of(0b011, 0b111)) // v({0,1}), v({0,1,2})
 * const v = await coalitionValues(coalitionGame(model), 'all', { engine }); v[(1 << model.n) - 1] // SW(x^opt)
 */
export function coalitionValues(
  game: CoalitionGame,
  masks: ArrayLike<number> | 'all',
  options: CoalitionValuesOptions & { engine: Engine },
  stats?: CoalitionStats,
): Promise<Float64Array>;
export function coalitionValues(
  game: CoalitionGame,
  masks: ArrayLike<number> | 'all',
  options?: CoalitionValuesOptions,
  stats?: CoalitionStats,
): Float64Array;
export function coalitionValues(
  game: CoalitionGame,
  masks: ArrayLike<number> | 'all',
  options: CoalitionValuesOptions = {},
  stats?: CoalitionStats,
): Float64Array | Promise<Float64Array> {
  optionsRecord(options, ['tolerance', 'engine'], 'options');
  const { engine, ...exact } = options;
  if (engine !== undefined) {
    backendOfOption(engine, 'coalitionValues');
    return coalitionValuesOnEngine(engine, game, masks, exact, stats);
  }
  checkMaskGame(game, 'game.n');
  if (masks === 'all') masks = allMasks(game.n);
  return coalitionValuesReference(game, masks, exact, stats);
}

/** Every mask of N ≤ 26 members, in order. */
function allMasks(n: number): Uint32Array {
  if (n > 26) throw invalidArgument('game.n', 'at most 26 organizations for all 2^N coalitions', n);
  return Uint32Array.from({ length: 2 ** n }, (_, k) => k);
}

function coalitionValuesReference(
  game: CoalitionGame,
  masks: ArrayLike<number>,
  options: CoalitionOptions,
  stats?: CoalitionStats,
): Float64Array {
  const out = new Float64Array(masks.length);
  const full = game.n === 32 ? 0xffffffff : (1 << game.n) >>> 0;
  for (let k = 0; k < masks.length; k++) {
    const mask = masks[k] >>> 0;
    if (!Number.isInteger(masks[k]) || masks[k] < 0 || (game.n < 32 && mask >= full)) {
      throw invalidArgument(`masks[${k}]`, `an integer mask in [0, 2^${game.n})`, masks[k]);
    }
    const solver = new CoalitionSolver(game, options);
    for (let j = 0; j < game.n; j++) if ((mask >>> j) & 1) solver.add(j);
    out[k] = solver.value();
    if (stats) addStats(stats, solver.stats);
  }
  return out;
}

/**
 * v(S) for all 2^N coalitions, indexed by mask, in Gray-code order with warm starts (module comment).
 * 2^20 coalitions hold 8 MiB.
 * @example const v = allCoalitionValues(coalitionGame(model)); v[(1 << model.n) - 1] // = SW(x^opt)
 */
export function allCoalitionValues(
  game: CoalitionGame,
  options: CoalitionOptions = {},
  stats?: CoalitionStats,
): Float64Array {
  checkMaskGame(game, 'game.n');
  if (game.n > 26) throw invalidArgument('game.n', 'at most 26 organizations for all 2^N coalitions', game.n);
  const total = 2 ** game.n;
  const out = new Float64Array(total);
  const solver = new CoalitionSolver(game, options);
  let mask = 0;
  for (let k = 1; k < total; k++) {
    const bit = 31 - Math.clz32(k & -k); // the bit that flips between Gray codes k−1 and k
    mask ^= 1 << bit;
    if ((mask >>> bit) & 1) solver.add(bit);
    else solver.remove(bit);
    out[mask >>> 0] = solver.value();
  }
  if (stats) addStats(stats, solver.stats);
  return out;
}

/**
 * v of every prefix of `order` (out[k] = v({order[0..k]})), adding one member at a time with warm starts: the
 * N coalition values one Monte-Carlo permutation needs. The solver is reused (cleared first).
 */
export function prefixValues(solver: CoalitionSolver, order: ArrayLike<number>, out: Float64Array): Float64Array {
  solver.clear();
  for (let k = 0; k < order.length; k++) {
    solver.add(order[k]);
    out[k] = solver.value();
  }
  return out;
}

export function addStats(into: CoalitionStats, from: CoalitionStats): void {
  into.solves += from.solves;
  into.nonConcave += from.nonConcave;
  into.notConverged += from.notConverged;
  into.passes += from.passes;
  if (from.worstKkt > into.worstKkt) into.worstKkt = from.worstKkt;
}

/**
 * The kernel's numeric input for a coalition game (module comment): masks to solve from scratch, or (masks null) the
 * range first .. first + count − 1.
 * @example const input = packCoalitionGame(game, { masks: null, first: 0, count: 2 ** game.n });
 */
export function packCoalitionGame(
  game: CoalitionGame,
  select: { masks: Uint32Array | null; first?: number; count?: number; tolerance?: number },
): CoalitionValuesInput {
  checkMaskGame(game, 'game.n');
  const n = game.n;
  const members = new Float64Array(n * 6);
  for (let i = 0; i < n; i++) {
    members.set([game.d[i], game.s[i], game.X[i], game.c[i], game.mu[i], game.rho[i]], i * 6);
  }
  const W = new Float64Array(n * n);
  const { gamma, gammaUniform: g, lambda, rho } = game;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const gij = gamma ? gamma[i * n + j] : g;
      const gji = gamma ? gamma[j * n + i] : g;
      W[i * n + j] = lambda * gij * rho[j] - rho[i] * gji;
    }
  }
  const c = game.curve;
  const masks = select.masks;
  return {
    n,
    members,
    pairWeights: W,
    curve: { base: c.reference - c.floor, scale: c.scale, exponent: c.exponent, heterogeneity: c.heterogeneity },
    tolerance: select.tolerance ?? 1e-9,
    masks,
    first: masks ? 0 : (select.first ?? 0),
    count: masks ? masks.length : (select.count ?? 2 ** n - (select.first ?? 0)),
  };
}

/**
 * @deprecated Use `coalitionValues(game, masks, { engine, ...options }, stats)`, the one form in which domain code runs
 * on an engine.
 */
export function coalitionValuesOn(
  engine: Engine,
  game: CoalitionGame,
  masks: ArrayLike<number> | 'all',
  options: CoalitionOptions = {},
  stats?: CoalitionStats,
): Promise<Float64Array> {
  return coalitionValues(game, masks, { ...options, engine }, stats);
}

/**
 * v(S) on an engine's backend. `stats` receives the kernel's diagnostics and those of the solves that fill its NaN.
 */
async function coalitionValuesOnEngine(
  engine: Engine,
  game: CoalitionGame,
  masks: ArrayLike<number> | 'all',
  options: CoalitionOptions,
  stats?: CoalitionStats,
): Promise<Float64Array> {
  checkMaskGame(game, 'game.n');
  let list: Uint32Array | null = null;
  if (masks === 'all') {
    if (game.n > 26) throw invalidArgument('game.n', 'at most 26 organizations for all 2^N coalitions', game.n);
  } else {
    list = new Uint32Array(masks.length);
    for (let k = 0; k < masks.length; k++) {
      const m = masks[k];
      if (!Number.isInteger(m) || m < 0 || m >= 2 ** game.n) {
        throw invalidArgument(`masks[${k}]`, `an integer mask in [0, 2^${game.n})`, m);
      }
      list[k] = m;
    }
  }
  const input = packCoalitionGame(game, {
    masks: list,
    ...(options.tolerance ? { tolerance: options.tolerance } : {}),
  });
  const out = await engine.coalitionValues(input);
  const values = out.values;
  const fill = emptyStats();
  for (let k = 0; k < values.length; k++) {
    if (Number.isNaN(values[k])) values[k] = coalitionValuesReference(game, [list ? list[k] : k], options, fill)[0];
  }
  if (stats) {
    const ks = out.stats;
    addStats(stats, {
      solves: ks.solves,
      nonConcave: 0,
      worstKkt: ks.worstKkt,
      notConverged: ks.notConverged,
      passes: ks.passes,
    });
    addStats(stats, fill);
  }
  return values;
}
