/**
 * Scenario input for one round of the coopetition game (DESIGN §3.1): parsing, validation and the internal,
 * columnar representation the model and solvers read.
 *
 * Two ways in, one validator: `parseScenario(json)` for the JSON format (files, CLI), `buildScenario(columns)` for
 * programs that already hold arrays (sweeps, N = 10⁶ instances). Either throws `CocogenError('INVALID_SCENARIO')`
 * naming the organization (index and id), the field and the rule broken; nothing is computed on invalid input.
 */
import type { LearningCurve } from '../numeric/learning-curve.js';
import { CocogenError, describeValue, invalidArgument } from '../core/errors.js';

/** Competition intensities Γ: uniform (γ_nm = g/(N−1) for every m ≠ n) or a dense row-major N×N matrix. */
export type Competition =
  | { readonly kind: 'uniform'; /** each organization's total exposure g */ readonly intensity: number }
  | { readonly kind: 'matrix'; /** γ_nm at [n·N + m], zero diagonal */ readonly gamma: Float64Array };

export type { LearningCurve } from '../numeric/learning-curve.js';

/** A validated scenario. Per-organization fields are Float64Arrays of length `n` (labelCounts is n × classes). */
export interface Scenario {
  readonly n: number;
  readonly classes: number;
  readonly ids: readonly string[];
  /** d_n > 0 */
  readonly samples: Float64Array;
  /** h_n, row-major n × classes, each row sums to d_n */
  readonly labelCounts: Float64Array;
  /** ρ_n > 0 */
  readonly marketValue: Float64Array;
  /** c_n ≥ 0 */
  readonly costPerSample: Float64Array;
  /** X_n ≥ 0 */
  readonly maxSynthetic: Float64Array;
  /** μ_n ≥ 0 */
  readonly privateGain: Float64Array;
  readonly competition: Competition;
  /** λ ∈ [0, 1] */
  readonly rivalry: number;
  /** How the target was given. */
  readonly target: 'uniform' | 'pooled' | 'custom';
  /** p*, the resolved target distribution (length `classes`, sums to 1). `pooled` is pooled over all n. */
  readonly targetDistribution: Float64Array;
  readonly learningCurve: LearningCurve;
  readonly name?: string;
  readonly description?: string;
}

/** One organization in the JSON format. */
export interface OrganizationInput {
  id: string;
  samples: number;
  labelCounts: ArrayLike<number>;
  marketValue: number;
  costPerSample: number;
  maxSynthetic: number;
  privateGain?: number;
}

export interface LearningCurveInput {
  floor: number;
  scale: number;
  exponent: number;
  heterogeneity: number;
  reference?: number;
  /** ω, what one generated sample counts as in real samples (DESIGN §3.2; default 1, today's model) */
  syntheticWorth?: number;
}

export type CompetitionInput = { uniform: number } | ArrayLike<ArrayLike<number>>;
export type TargetInput = 'uniform' | 'pooled' | ArrayLike<number>;

/** The JSON format of DESIGN §3.1, also accepted as a plain object by `parseScenario`. */
export interface ScenarioInput {
  name?: string;
  description?: string;
  organizations: OrganizationInput[];
  competition: CompetitionInput;
  rivalry?: number;
  target?: TargetInput;
  learningCurve: LearningCurveInput;
}

/** Columnar input for `buildScenario`: per-organization arrays of length N, labelCounts flat N × classes. */
export interface ScenarioColumns {
  ids: readonly string[];
  classes: number;
  samples: ArrayLike<number>;
  labelCounts: ArrayLike<number>;
  marketValue: ArrayLike<number>;
  costPerSample: ArrayLike<number>;
  maxSynthetic: ArrayLike<number>;
  privateGain?: ArrayLike<number>;
  /** `{ uniform: g }`, a flat row-major N×N array, or rows. */
  competition: { uniform: number } | ArrayLike<number> | ArrayLike<ArrayLike<number>>;
  rivalry?: number;
  target?: TargetInput;
  learningCurve: LearningCurveInput;
  name?: string;
  description?: string;
}

const TOP_KEYS = new Set(['name', 'description', 'organizations', 'competition', 'rivalry', 'target', 'learningCurve']);
const ORG_KEYS = new Set([
  'id',
  'samples',
  'labelCounts',
  'marketValue',
  'costPerSample',
  'maxSynthetic',
  'privateGain',
]);
const CURVE_KEYS = new Set(['floor', 'scale', 'exponent', 'heterogeneity', 'reference', 'syntheticWorth']);
/**
 * The ranges of a scenario's magnitudes (docs/game.md, "Input ranges"): wide enough for any federation (up to 10¹²
 * samples; values, costs and gains up to 10¹²), narrow enough that every product and quotient the solvers and the
 * mechanism form stays finite in float64 (beyond them, e.g. a market value of 1e200, the potential overflowed to NaN).
 * A value outside its range is INVALID_SCENARIO naming the field and the range.
 */
export const SCENARIO_BOUNDS = {
  samples: 1e12,
  maxSynthetic: 1e12,
  marketValue: { min: 1e-12, max: 1e12 },
  costPerSample: 1e12,
  privateGain: 1e12,
  /** every γ_nm, and the uniform g */
  competition: 1e6,
  learningCurve: {
    floor: 1e6,
    scale: 1e12,
    exponent: 10,
    heterogeneity: 1e12,
    reference: 1e6,
    syntheticWorth: { min: 1e-3, max: 1e3 },
  },
} as const;

/** A bound as the messages print it: 1e12, not 1000000000000. */
function bound(v: number): string {
  return v >= 1e6 || (v > 0 && v < 1e-3) ? v.toExponential().replace('e+', 'e') : String(v);
}

/** Relative tolerance for sums that must match (label counts vs samples, target sums to 1). */
const SUM_RTOL = 1e-9;

function invalid(path: string, rule: string, received: string, extra: Record<string, unknown> = {}): CocogenError {
  return new CocogenError('INVALID_SCENARIO', `Expected ${rule} for ${path} but received ${received}`, {
    path,
    rule,
    ...extra,
  });
}

function orgPath(index: number, id: string | undefined, field: string): string {
  return id === undefined
    ? `organizations[${index}].${field}`
    : `organizations[${index}] (${JSON.stringify(id)}).${field}`;
}

function orgError(index: number, id: string | undefined, field: string, rule: string, received: string): CocogenError {
  return invalid(orgPath(index, id, field), rule, received, { organization: { index, id }, field });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

function isArrayLike(v: unknown): v is ArrayLike<unknown> {
  return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
}

/**
 * The entries of a column as float64, refusing anything that is not a number: `Float64Array.from` would turn null,
 * true, "0.1" and [0.1] into numbers silently. Range rules are checked afterwards, per field.
 */
function numbersOf(list: ArrayLike<unknown>, name: string): Float64Array {
  if (list instanceof Float64Array) return Float64Array.from(list);
  const out = new Float64Array(list.length);
  for (let k = 0; k < list.length; k++) {
    const v = list[k];
    if (typeof v !== 'number') throw invalid(`${name}[${k}]`, 'a number', describeValue(v));
    out[k] = v;
  }
  return out;
}

function rejectUnknownKeys(obj: Record<string, unknown>, allowed: Set<string>, path: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.has(key)) {
      throw invalid(
        `${path}${path ? '.' : ''}${key}`,
        `one of the known fields (${[...allowed].join(', ')})`,
        'an unknown field',
        {
          field: key,
        },
      );
    }
  }
}

/**
 * Parses and validates a scenario in the JSON format of DESIGN §3.1 (already parsed from text, or a plain object).
 *
 * @example
 * const scenario = parseScenario(JSON.parse(fs.readFileSync('examples/hospitals-uniform.json', 'utf8')));
 * scenario.n; // number of organizations
 * @throws CocogenError with code INVALID_SCENARIO naming the organization, the field and the rule broken.
 */
export function parseScenario(json: unknown): Scenario {
  if (!isRecord(json)) throw invalid('scenario', 'an object', describeValue(json));
  rejectUnknownKeys(json, TOP_KEYS, '');
  const orgs = json.organizations;
  if (!Array.isArray(orgs) || orgs.length === 0) {
    throw invalid('organizations', 'a non-empty array', describeValue(orgs));
  }
  const n = orgs.length;
  const ids: string[] = new Array(n);
  const samples = new Float64Array(n);
  const marketValue = new Float64Array(n);
  const costPerSample = new Float64Array(n);
  const maxSynthetic = new Float64Array(n);
  const privateGain = new Float64Array(n);
  let classes = -1;
  let labelCounts = new Float64Array(0);
  for (let i = 0; i < n; i++) {
    const org: unknown = orgs[i];
    if (!isRecord(org))
      throw invalid(`organizations[${i}]`, 'an object', describeValue(org), { organization: { index: i } });
    const id = org.id;
    if (typeof id !== 'string' || id.length === 0) {
      throw orgError(i, undefined, 'id', 'a non-empty string', describeValue(id));
    }
    ids[i] = id;
    for (const key of Object.keys(org)) {
      if (!ORG_KEYS.has(key)) {
        throw orgError(i, id, key, `one of the known fields (${[...ORG_KEYS].join(', ')})`, 'an unknown field');
      }
    }
    const num = (field: string, optional: boolean): number => {
      const v = org[field];
      if (v === undefined && optional) return 0;
      if (typeof v !== 'number') throw orgError(i, id, field, 'a number', describeValue(v));
      return v;
    };
    samples[i] = num('samples', false);
    marketValue[i] = num('marketValue', false);
    costPerSample[i] = num('costPerSample', false);
    maxSynthetic[i] = num('maxSynthetic', false);
    privateGain[i] = num('privateGain', true);
    const h = org.labelCounts;
    if (!isArrayLike(h) || h.length === 0) {
      throw orgError(i, id, 'labelCounts', 'a non-empty array of numbers', describeValue(h));
    }
    if (classes < 0) {
      classes = h.length;
      labelCounts = new Float64Array(n * classes);
    } else if (h.length !== classes) {
      throw orgError(
        i,
        id,
        'labelCounts',
        `an array of length ${classes} (the number of classes C of organizations[0])`,
        describeValue(h),
      );
    }
    for (let k = 0; k < classes; k++) {
      const v = h[k];
      if (typeof v !== 'number') throw orgError(i, id, `labelCounts[${k}]`, 'a number', describeValue(v));
      labelCounts[i * classes + k] = v;
    }
  }
  return buildValidated(
    {
      ids,
      classes,
      samples,
      labelCounts,
      marketValue,
      costPerSample,
      maxSynthetic,
      privateGain,
      competition: json.competition as ScenarioColumns['competition'],
      rivalry: json.rivalry as number | undefined,
      target: json.target as TargetInput | undefined,
      learningCurve: json.learningCurve as LearningCurveInput,
      name: json.name as string | undefined,
      description: json.description as string | undefined,
    },
    false,
  );
}

/**
 * Builds and validates a scenario from columns (typed arrays or plain arrays). The way to construct large scenarios
 * programmatically without going through JSON objects. Arrays are copied.
 *
 * @example
 * const s = buildScenario({
 *   ids: ['a', 'b'], classes: 2, samples: [10, 10], labelCounts: [5, 5, 9, 1],
 *   marketValue: [1, 1], costPerSample: [0, 0], maxSynthetic: [100, 100],
 *   competition: { uniform: 0.2 }, learningCurve: { floor: 0.3, scale: 3, exponent: 0.3, heterogeneity: 0.4 },
 * });
 */
export function buildScenario(columns: ScenarioColumns): Scenario {
  return buildValidated(columns, true);
}

function buildValidated(columns: ScenarioColumns, allowFlat: boolean): Scenario {
  if (!isRecord(columns)) throw invalid('scenario', 'an object', describeValue(columns));
  const ids = columns.ids;
  if (!Array.isArray(ids) || ids.length === 0) throw invalid('organizations', 'a non-empty array', describeValue(ids));
  const n = ids.length;
  const classes = columns.classes;
  if (!Number.isInteger(classes) || classes < 1) {
    throw invalid('labelCounts', 'at least one class', describeValue(classes));
  }
  const seen = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const id = ids[i];
    if (typeof id !== 'string' || id.length === 0)
      throw orgError(i, undefined, 'id', 'a non-empty string', describeValue(id));
    const prev = seen.get(id);
    if (prev !== undefined) {
      throw orgError(
        i,
        id,
        'id',
        `an id unique across organizations (organizations[${prev}] has it too)`,
        JSON.stringify(id),
      );
    }
    seen.set(id, i);
  }
  const column = (name: keyof ScenarioColumns, optional = false): Float64Array => {
    const v = columns[name];
    if (v === undefined && optional) return new Float64Array(n);
    if (!isArrayLike(v) || v.length !== n) throw invalid(name, `an array of length ${n}`, describeValue(v));
    return numbersOf(v, name);
  };
  const samples = column('samples');
  const marketValue = column('marketValue');
  const costPerSample = column('costPerSample');
  const maxSynthetic = column('maxSynthetic');
  const privateGain = column('privateGain', true);
  const lc = columns.labelCounts;
  if (!isArrayLike(lc) || lc.length !== n * classes) {
    throw invalid('labelCounts', `an array of length ${n * classes} (N × C)`, describeValue(lc));
  }
  const labelCounts = numbersOf(lc, 'labelCounts');

  for (let i = 0; i < n; i++) {
    const id = ids[i];
    const check = (arr: Float64Array, field: string, ok: (v: number) => boolean, rule: string): void => {
      const v = arr[i];
      if (!ok(v)) throw orgError(i, id, field, rule, describeValue(v));
    };
    const b = SCENARIO_BOUNDS;
    check(samples, 'samples', (v) => v > 0 && v <= b.samples, `a number in (0, ${bound(b.samples)}]`);
    check(
      marketValue,
      'marketValue',
      (v) => v >= b.marketValue.min && v <= b.marketValue.max,
      `a number in [${bound(b.marketValue.min)}, ${bound(b.marketValue.max)}]`,
    );
    check(
      costPerSample,
      'costPerSample',
      (v) => v >= 0 && v <= b.costPerSample,
      `a number in [0, ${bound(b.costPerSample)}]`,
    );
    check(
      maxSynthetic,
      'maxSynthetic',
      (v) => v >= 0 && v <= b.maxSynthetic,
      `a number in [0, ${bound(b.maxSynthetic)}]`,
    );
    check(privateGain, 'privateGain', (v) => v >= 0 && v <= b.privateGain, `a number in [0, ${bound(b.privateGain)}]`);
    let sum = 0;
    for (let k = 0; k < classes; k++) {
      const v = labelCounts[i * classes + k];
      if (!(Number.isFinite(v) && v >= 0)) {
        throw orgError(i, id, `labelCounts[${k}]`, 'a finite count ≥ 0', describeValue(v));
      }
      sum += v;
    }
    if (Math.abs(sum - samples[i]) > SUM_RTOL * Math.max(1, samples[i])) {
      throw orgError(i, id, 'labelCounts', `counts that sum to samples (${samples[i]})`, `counts that sum to ${sum}`);
    }
  }

  const competition = readCompetition(columns.competition, n, ids, allowFlat);

  const rivalry = columns.rivalry === undefined ? 0 : columns.rivalry;
  if (typeof rivalry !== 'number' || !(rivalry >= 0 && rivalry <= 1)) {
    throw invalid('rivalry', 'a number in [0, 1]', describeValue(rivalry));
  }

  const { target, targetDistribution } = readTarget(columns.target, classes, samples, labelCounts);
  const learningCurve = readCurve(columns.learningCurve, classes);

  for (const key of ['name', 'description'] as const) {
    const v = columns[key];
    if (v !== undefined && typeof v !== 'string') throw invalid(key, 'a string', describeValue(v));
  }
  const scenario: Scenario = {
    n,
    classes,
    ids: ids.slice(),
    samples,
    labelCounts,
    marketValue,
    costPerSample,
    maxSynthetic,
    privateGain,
    competition,
    rivalry,
    target,
    targetDistribution,
    learningCurve,
    ...(columns.name !== undefined ? { name: columns.name } : {}),
    ...(columns.description !== undefined ? { description: columns.description } : {}),
  };
  return scenario;
}

function readCompetition(input: unknown, n: number, ids: readonly string[], allowFlat: boolean): Competition {
  if (isRecord(input)) {
    rejectUnknownKeys(input, new Set(['uniform']), 'competition');
    const g = input.uniform;
    if (typeof g !== 'number' || !(g >= 0 && g <= SCENARIO_BOUNDS.competition)) {
      throw invalid('competition.uniform', `a number in [0, ${bound(SCENARIO_BOUNDS.competition)}]`, describeValue(g));
    }
    return { kind: 'uniform', intensity: g };
  }
  if (!isArrayLike(input)) {
    throw invalid('competition', 'an N×N matrix (array of rows) or { "uniform": g }', describeValue(input));
  }
  const gamma = new Float64Array(n * n);
  const flat = allowFlat && input.length === n * n && typeof input[0] === 'number';
  if (!flat) {
    if (input.length !== n) {
      throw invalid('competition', `a square matrix with ${n} rows (one per organization)`, `${input.length} rows`, {
        field: 'competition',
      });
    }
    for (let i = 0; i < n; i++) {
      const row = input[i];
      if (!isArrayLike(row) || row.length !== n) {
        throw invalid(
          `competition[${i}] (row of ${JSON.stringify(ids[i])})`,
          `a row of ${n} numbers (the matrix must be square)`,
          describeValue(row),
          { organization: { index: i, id: ids[i] }, field: 'competition' },
        );
      }
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      // Read from the input itself, not a Float64Array copy: storing null, true, "0.1" or [0.1] would coerce them.
      const v: unknown = flat ? input[i * n + j] : (input[i] as ArrayLike<unknown>)[j];
      const path = `competition[${i}][${j}] (${JSON.stringify(ids[i])} vs ${JSON.stringify(ids[j])})`;
      const extra = { organization: { index: i, id: ids[i] }, field: 'competition', column: j };
      if (typeof v !== 'number' || !Number.isFinite(v)) throw invalid(path, 'a finite number', describeValue(v), extra);
      gamma[i * n + j] = v;
      if (i === j && v !== 0) throw invalid(path, 'zero on the diagonal (γ_nn = 0)', describeValue(v), extra);
      if (v < 0) throw invalid(path, 'a number ≥ 0', describeValue(v), extra);
      if (v > SCENARIO_BOUNDS.competition)
        throw invalid(path, `a number ≤ ${bound(SCENARIO_BOUNDS.competition)}`, describeValue(v), extra);
    }
  }
  return { kind: 'matrix', gamma };
}

function readTarget(
  input: unknown,
  classes: number,
  samples: Float64Array,
  labelCounts: Float64Array,
): { target: Scenario['target']; targetDistribution: Float64Array } {
  const p = new Float64Array(classes);
  if (input === undefined || input === 'uniform') {
    p.fill(1 / classes);
    return { target: 'uniform', targetDistribution: p };
  }
  if (input === 'pooled') {
    let total = 0;
    for (let i = 0; i < samples.length; i++) total += samples[i];
    for (let i = 0; i < samples.length; i++) {
      for (let k = 0; k < classes; k++) p[k] += labelCounts[i * classes + k];
    }
    for (let k = 0; k < classes; k++) p[k] /= total;
    return { target: 'pooled', targetDistribution: p };
  }
  if (!isArrayLike(input) || input.length !== classes) {
    throw invalid('target', `"uniform", "pooled" or a distribution over the ${classes} classes`, describeValue(input));
  }
  let sum = 0;
  for (let k = 0; k < classes; k++) {
    const v = input[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw invalid(`target[${k}]`, 'a probability ≥ 0', describeValue(v));
    }
    p[k] = v;
    sum += v;
  }
  if (Math.abs(sum - 1) > SUM_RTOL)
    throw invalid('target', 'a distribution (entries summing to 1)', `entries summing to ${sum}`);
  for (let k = 0; k < classes; k++) p[k] /= sum;
  return { target: 'custom', targetDistribution: p };
}

function readCurve(input: unknown, classes: number): LearningCurve {
  if (!isRecord(input)) {
    throw invalid(
      'learningCurve',
      'an object { floor, scale, exponent, heterogeneity, reference?, syntheticWorth? }',
      describeValue(input),
    );
  }
  rejectUnknownKeys(input, CURVE_KEYS, 'learningCurve');
  const bounds = SCENARIO_BOUNDS.learningCurve;
  const positive = (key: 'floor' | 'scale' | 'exponent' | 'heterogeneity'): number => {
    const v = input[key];
    if (typeof v !== 'number' || !(v > 0 && v <= bounds[key])) {
      throw invalid(`learningCurve.${key}`, `a number in (0, ${bound(bounds[key])}]`, describeValue(v));
    }
    return v;
  };
  const floor = positive('floor');
  const scale = positive('scale');
  const exponent = positive('exponent');
  const heterogeneity = positive('heterogeneity');
  let reference = Math.log(classes);
  if (input.reference !== undefined) {
    const v = input.reference;
    if (typeof v !== 'number' || !(Math.abs(v) <= bounds.reference)) {
      throw invalid(
        'learningCurve.reference',
        `a number in [−${bound(bounds.reference)}, ${bound(bounds.reference)}]`,
        describeValue(v),
      );
    }
    reference = v;
  }
  if (input.syntheticWorth === undefined) return { floor, scale, exponent, heterogeneity, reference };
  const omega = input.syntheticWorth;
  const { min, max } = bounds.syntheticWorth;
  if (typeof omega !== 'number' || !(omega >= min && omega <= max)) {
    throw invalid('learningCurve.syntheticWorth', `a number in [${bound(min)}, ${bound(max)}]`, describeValue(omega));
  }
  return { floor, scale, exponent, heterogeneity, reference, syntheticWorth: omega };
}

/**
 * The JSON form of a scenario (the format `parseScenario` reads). Dense matrices become arrays of rows.
 *
 * @example
 * fs.writeFileSync('s.json', JSON.stringify(scenarioToJSON(scenario), null, 1));
 */
export function scenarioToJSON(s: Scenario): ScenarioInput {
  const organizations: OrganizationInput[] = [];
  for (let i = 0; i < s.n; i++) {
    organizations.push({
      id: s.ids[i],
      samples: s.samples[i],
      labelCounts: Array.from(s.labelCounts.subarray(i * s.classes, (i + 1) * s.classes)),
      marketValue: s.marketValue[i],
      costPerSample: s.costPerSample[i],
      maxSynthetic: s.maxSynthetic[i],
      privateGain: s.privateGain[i],
    });
  }
  const competition: CompetitionInput =
    s.competition.kind === 'uniform'
      ? { uniform: s.competition.intensity }
      : Array.from({ length: s.n }, (_, i) =>
          Array.from((s.competition as { gamma: Float64Array }).gamma.subarray(i * s.n, (i + 1) * s.n)),
        );
  const out: ScenarioInput = {
    ...(s.name !== undefined ? { name: s.name } : {}),
    ...(s.description !== undefined ? { description: s.description } : {}),
    organizations,
    competition,
    rivalry: s.rivalry,
    target: s.target === 'custom' ? Array.from(s.targetDistribution) : s.target,
    learningCurve: curveToJSON(s.learningCurve),
  };
  return out;
}

/** The curve's JSON form: ω only where it differs from 1, so that a scenario without it reads and writes as before. */
function curveToJSON(c: LearningCurve): LearningCurveInput {
  const { syntheticWorth, ...rest } = c;
  return syntheticWorth === undefined || syntheticWorth === 1 ? { ...rest } : { ...rest, syntheticWorth };
}

/** A copy of the scenario with another competition (e.g. Γ = 0 for the WCO baseline) or rivalry. */
export function withCompetition(s: Scenario, competition: Competition, rivalry: number = s.rivalry): Scenario {
  return { ...s, competition, rivalry };
}

/** What a function taking a validated Scenario says it expects. */
export const SCENARIO_RULE = 'a Scenario (from parseScenario or buildScenario)';

/** INVALID_ARGUMENT naming `name` unless `v` passes {@link isScenario}: the check of every entry point taking one. */
export function checkScenario(v: unknown, name = 'scenario'): asserts v is Scenario {
  if (!isScenario(v)) throw invalidArgument(name, SCENARIO_RULE, v);
}

/**
 * Whether `v` has the shape of a validated Scenario: the cheap structural test the library's entry points run before
 * reading one (a full re-validation would cost O(N²) for a dense Γ).
 */
export function isScenario(v: unknown): v is Scenario {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Partial<Scenario>;
  const n = s.n;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) return false;
  const fields = [s.samples, s.marketValue, s.costPerSample, s.maxSynthetic, s.privateGain];
  if (!fields.every((f) => f instanceof Float64Array && f.length === n)) return false;
  const c = s.competition;
  if (
    !c ||
    (c.kind !== 'uniform' && !(c.kind === 'matrix' && c.gamma instanceof Float64Array && c.gamma.length === n * n))
  ) {
    return false;
  }
  return typeof s.learningCurve === 'object' && s.learningCurve !== null && typeof s.rivalry === 'number';
}
