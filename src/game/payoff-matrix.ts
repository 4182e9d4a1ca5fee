/**
 * The payoff matrix of a round (DESIGN §6, game kernels): for every organization n and every point s of a strategy
 * grid s_j = X_n·t_j, the utility U_n(s, x_−n) with everyone else held at x, and each organization's best grid
 * response — for one scenario or a batch of scenarios with the same N (a sweep), in one pass of the engine's kernels.
 *
 * Where the work happens: a dense Γ costs one O(B·N²) `denseRowSums` kernel (the rival sums Γρ and Γ(ρ∘g(x)));
 * the grid costs one O(B·N·S) `payoffMatrix` kernel, each point O(1) from the aggregates; the packing here is
 * O(B·N·C). Utilities are returned as levels: U_n(x) in float64 plus the kernel's gain ΔU, which is computed
 * relative to x without cancellation (float64 on js/native, float32 on WebGPU).
 */
import type { Backend } from '../engine/backend.js';
import { backendOfOption, type Engine } from '../engine/engine.js';
import { JsBackend } from '../engine/js-backend.js';
import { denseRowSumsKernel, payoffMatrixKernel } from '../engine/kernels/payoff-matrix/kernel.js';
import { isOptionsObject } from '../util/options.js';
import { invalidArgument, invalidArgumentText } from '../core/errors.js';
import { packPayoffInput, planRivalSums, rivalSums } from './payoff-packing.js';
import { isScenario, SCENARIO_RULE, type Scenario } from './scenario.js';

export interface PayoffMatrixOptions {
  /** Grid points S per organization, s_j = X_n·j/(S−1) (S = 1: the single point s = 0). Default 33. */
  gridSize?: number;
  /** Explicit grid fractions t_j ∈ [0, 1] (s_j = X_n·t_j), instead of gridSize. */
  grid?: ArrayLike<number>;
  /** Return the B·N·S matrix (default true); false returns only each row's best response (for huge N·S). */
  matrix?: boolean;
  /** Run the kernels on this engine's backend (default: the JS reference kernels). */
  engine?: Engine;
}

export interface PayoffMatrixResult {
  /** Scenarios B, organizations N, grid points S. */
  batch: number;
  n: number;
  gridSize: number;
  /** The grid fractions t_j. */
  grid: Float64Array;
  /** U_n(x) at [b·N + n]. */
  current: Float64Array;
  /** U_n(X_n·t_j, x_−n) − U_n(x) at [(b·N + n)·S + j], or null with `matrix: false`. */
  gains: Float64Array | null;
  /** U_n(X_n·t_j, x_−n) at [(b·N + n)·S + j] (levels), or null with `matrix: false`. */
  utilities: Float64Array | null;
  /** Best grid index per organization (the lowest index among equal values). */
  bestIndex: Int32Array;
  /** X_n·t_best. */
  bestAmount: Float64Array;
  /** Its gain over x_n (≥ the gain at the grid point nearest x_n). */
  bestGain: Float64Array;
  /** Its utility level. */
  bestUtility: Float64Array;
}

export interface PayoffMatrixRequest {
  scenarios: Scenario[];
  profiles: Float64Array[];
  grid: Float64Array;
  matrix: boolean;
}

/** Largest matrix returned (entries); beyond it ask for `matrix: false`. */
export const MAX_PAYOFF_MATRIX_ENTRIES = 2 ** 28;
const MAX_GRID_SIZE = 1 << 20;
const DEFAULT_GRID_SIZE = 33;

function isNumberList(v: unknown): v is ArrayLike<number> {
  return (
    Array.isArray(v) ||
    (ArrayBuffer.isView(v) &&
      !(v instanceof DataView) &&
      !(v instanceof BigInt64Array) &&
      !(v instanceof BigUint64Array))
  );
}

/**
 * Checks every argument of {@link payoffMatrix} but the engine (one message template, naming the argument) and
 * normalizes a single scenario to a batch of one.
 */
export function validatePayoffMatrix(scenario: unknown, x: unknown, options: unknown): PayoffMatrixRequest {
  const batched = Array.isArray(scenario);
  const scenarios = (batched ? scenario : [scenario]) as unknown[];
  if (scenarios.length === 0)
    throw invalidArgument('scenario', 'a Scenario or a non-empty array of Scenarios', scenario);
  const scenarioName = (b: number) => (batched ? `scenario[${b}]` : 'scenario');
  scenarios.forEach((s, b) => {
    if (!isScenario(s)) throw invalidArgument(scenarioName(b), SCENARIO_RULE, s);
  });
  const n = (scenarios[0] as Scenario).n;
  scenarios.forEach((s, b) => {
    if ((s as Scenario).n !== n) {
      throw invalidArgumentText(
        scenarioName(b),
        `a Scenario of ${n} organizations (as scenario[0])`,
        `one of ${(s as Scenario).n}`,
      );
    }
  });

  let lists: unknown[];
  if (batched) {
    if (!Array.isArray(x)) throw invalidArgument('x', `an array of ${scenarios.length} profiles (one per scenario)`, x);
    if (x.length !== scenarios.length) {
      throw invalidArgumentText('x', `${scenarios.length} profiles (one per scenario)`, `${x.length}`);
    }
    lists = x;
  } else {
    lists = [x];
  }
  const profiles = lists.map((list, b) => {
    const name = batched ? `x[${b}]` : 'x';
    if (!isNumberList(list)) throw invalidArgument(name, `a Float64Array or array of ${n} amounts`, list);
    if (list.length !== n) throw invalidArgument(name, `${n} amounts (one per organization)`, list);
    const X = (scenarios[b] as Scenario).maxSynthetic;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = list[i];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw invalidArgument(`${name}[${i}]`, 'a finite number', v);
      if (v < 0 || v > X[i]!)
        throw invalidArgument(`${name}[${i}]`, `an amount in [0, ${X[i]}] (0 to maxSynthetic)`, v);
      out[i] = v;
    }
    return out;
  });

  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw invalidArgument('options', 'an object such as { gridSize: 33 }', options);
  }
  const o = options as Record<string, unknown>;
  let grid: Float64Array;
  if (o.grid !== undefined) {
    if (o.gridSize !== undefined)
      throw invalidArgumentText('options.grid', 'either options.grid or options.gridSize', 'both');
    if (!isNumberList(o.grid) || o.grid.length === 0 || o.grid.length > MAX_GRID_SIZE) {
      throw invalidArgument('options.grid', `an array of 1 to ${MAX_GRID_SIZE} fractions in [0, 1]`, o.grid);
    }
    const g = o.grid;
    grid = new Float64Array(g.length);
    for (let j = 0; j < g.length; j++) {
      const t = g[j];
      if (typeof t !== 'number' || !(t >= 0 && t <= 1))
        throw invalidArgument(`options.grid[${j}]`, 'a fraction in [0, 1]', t);
      grid[j] = t;
    }
  } else {
    const S = o.gridSize ?? DEFAULT_GRID_SIZE;
    if (typeof S !== 'number' || !Number.isInteger(S) || S < 1 || S > MAX_GRID_SIZE) {
      throw invalidArgument('options.gridSize', `an integer from 1 to ${MAX_GRID_SIZE}`, S);
    }
    grid = new Float64Array(S);
    for (let j = 0; j < S; j++) grid[j] = S === 1 ? 0 : j / (S - 1);
  }
  const matrix = o.matrix ?? true;
  if (typeof matrix !== 'boolean') throw invalidArgument('options.matrix', 'a boolean', matrix);
  const entries = scenarios.length * n * grid.length;
  if (matrix && entries > MAX_PAYOFF_MATRIX_ENTRIES) {
    throw invalidArgumentText(
      'options.matrix',
      `false for more than ${MAX_PAYOFF_MATRIX_ENTRIES} entries (scenarios × organizations × grid points)`,
      `true for ${entries} entries`,
    );
  }
  return { scenarios: scenarios as Scenario[], profiles, grid, matrix };
}

/**
 * The payoff matrix of a round: for every organization n and grid point s_j = X_n·t_j, U_n(s_j, x_−n) with the
 * others held at x, and each organization's best grid response. Pass arrays of scenarios (same N) and profiles to
 * evaluate a batch (a sweep) in one pass. A dense Γ costs O(B·N²) on the backend, the grid O(B·N·S). The kernels run on
 * `options.engine`'s backend, or on the JS reference without one. Bad input throws `CocogenError`
 * (`INVALID_ARGUMENT`) naming the argument; a disposed engine, `DISPOSED`.
 *
 * @example
 * const eq = solveEquilibrium(scenario);
 * const pm = await payoffMatrix(scenario, eq.x, { engine, gridSize: 65 });
 * pm.bestGain; // ≤ ~0 at an equilibrium: no grid deviation pays
 */
export async function payoffMatrix(
  scenario: Scenario | readonly Scenario[],
  x: ArrayLike<number> | readonly ArrayLike<number>[],
  options: PayoffMatrixOptions = {},
): Promise<PayoffMatrixResult> {
  const isObject = isOptionsObject(options);
  const { engine, ...rest } = isObject ? (options as PayoffMatrixOptions) : {};
  const backend = engine === undefined ? new JsBackend() : backendOfOption(engine, 'payoffMatrix');
  return evaluatePayoffMatrix(backend, validatePayoffMatrix(scenario, x, isObject ? rest : options));
}

/**
 * Runs the request on a backend: dense rival sums (when any Γ is dense), then the grid kernel; levels on the host
 * unless the backend returned them.
 */
export async function evaluatePayoffMatrix(
  backend: Backend,
  request: PayoffMatrixRequest,
): Promise<PayoffMatrixResult> {
  const { scenarios, profiles, grid, matrix } = request;
  const plan = planRivalSums(scenarios, profiles);
  const denseSums = plan.dense ? await backend.run(denseRowSumsKernel, plan.dense) : null;
  const sums = rivalSums(scenarios, plan, denseSums);
  const { input, current } = packPayoffInput(scenarios, profiles, sums, grid, matrix);
  const out = await backend.run(payoffMatrixKernel, input);
  const B = scenarios.length;
  const n = scenarios[0]!.n;
  const S = grid.length;
  const R = B * n;
  const bestAmount = new Float64Array(R);
  const bestUtility = new Float64Array(R);
  for (let r = 0; r < R; r++) {
    const X = scenarios[(r / n) | 0]!.maxSynthetic[r % n]!;
    bestAmount[r] = X * grid[out.bestIndex[r]!]!;
    bestUtility[r] = current[r]! + out.bestGain[r]!;
  }
  // Levels: from the backend when it added U_n(x) in its kernel (native), else here.
  let utilities: Float64Array | null = out.gains ? (out.utilities ?? null) : null;
  if (out.gains && !utilities) {
    utilities = new Float64Array(R * S);
    for (let r = 0; r < R; r++) {
      const u = current[r]!;
      const o = r * S;
      for (let j = 0; j < S; j++) utilities[o + j] = u + out.gains[o + j]!;
    }
  }
  return {
    batch: B,
    n,
    gridSize: S,
    grid,
    current,
    gains: out.gains,
    utilities,
    bestIndex: out.bestIndex,
    bestAmount,
    bestGain: out.bestGain,
    bestUtility,
  };
}
