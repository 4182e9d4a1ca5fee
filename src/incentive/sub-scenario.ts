/**
 * The scenario of a coalition S training alone, as the coalition game sees it (DESIGN §3.3: "a coalition S
 * training alone counts competition among its members only"): the members' rows, Γ restricted to S with the same
 * entries γ_nm (uniform competition g over N keeps its entry g/(N−1), i.e. intensity g·(|S|−1)/(N−1) among |S|
 * members), the same λ, learning curve and target distribution (a pooled target stays pooled over N).
 * Solving this scenario with the game layer gives S's own equilibrium, optimum (= v(S)) and outside options.
 */
import { buildScenario, type Scenario } from '../game/index.js';
import { checkScenario } from '../game/scenario.js';
import { invalidArgument } from '../core/errors.js';

/** @internal INVALID_ARGUMENT naming `name` unless `members` are ascending organization indices of an N-game. */
export function checkMembers(members: unknown, n: number, name = 'members'): asserts members is readonly number[] {
  const rule = `at least one organization index in [0, ${n}), ascending`;
  if (!Array.isArray(members) || members.length === 0) throw invalidArgument(name, rule, members);
  members.forEach((i: unknown, k) => {
    if (!(
      Number.isInteger(i) &&
      (i as number) >= 0 &&
      (i as number) < n &&
      (k === 0 || (i as number) > members[k - 1])
    ))
      throw invalidArgument(`${name}[${k}]`, rule, i);
  });
}

/**
 * The scenario of the members (indices into `scenario`, ascending, at least one).
 * @example restrictScenario(scenario, [0, 2]).n // 2
 */
export function restrictScenario(scenario: Scenario, members: readonly number[]): Scenario {
  checkScenario(scenario);
  const N = scenario.n;
  checkMembers(members, N);
  const k = members.length;
  const C = scenario.classes;
  const pick = (v: Float64Array) => Float64Array.from(members, (i) => v[i]);
  const labelCounts = new Float64Array(k * C);
  members.forEach((i, r) => labelCounts.set(scenario.labelCounts.subarray(i * C, (i + 1) * C), r * C));
  let competition: { uniform: number } | Float64Array;
  if (scenario.competition.kind === 'uniform') {
    competition = { uniform: N > 1 && k > 1 ? (scenario.competition.intensity * (k - 1)) / (N - 1) : 0 };
  } else {
    const g = scenario.competition.gamma;
    competition = new Float64Array(k * k);
    for (let r = 0; r < k; r++) for (let c = 0; c < k; c++) competition[r * k + c] = g[members[r] * N + members[c]];
  }
  return buildScenario({
    ids: members.map((i) => scenario.ids[i]),
    classes: C,
    samples: pick(scenario.samples),
    labelCounts,
    marketValue: pick(scenario.marketValue),
    costPerSample: pick(scenario.costPerSample),
    maxSynthetic: pick(scenario.maxSynthetic),
    privateGain: pick(scenario.privateGain),
    competition,
    rivalry: scenario.rivalry,
    target: Array.from(scenario.targetDistribution),
    learningCurve: { ...scenario.learningCurve },
    ...(scenario.name !== undefined ? { name: scenario.name } : {}),
  });
}
