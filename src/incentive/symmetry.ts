/**
 * Symmetry classes: organizations that are interchangeable in the game (DESIGN §4 "identical organizations get
 * identical payoffs"). i and j are identical when every per-organization input is equal (samples, label counts,
 * market value, cost, cap, private gain) and swapping them leaves Γ unchanged: γ_ik = γ_jk and γ_ki = γ_kj for every
 * other k, and γ_ij = γ_ji (always true for uniform competition). Then any symmetric solution concept — the
 * equilibrium, the optimum, outside options, Shapley values, the mechanism — must treat them alike.
 */
import { checkGameModel, type GameModel } from '../game/model.js';

function swapInvariant(gamma: Float64Array, n: number, i: number, j: number): boolean {
  if (gamma[i * n + j] !== gamma[j * n + i]) return false;
  for (let k = 0; k < n; k++) {
    if (k === i || k === j) continue;
    if (gamma[i * n + k] !== gamma[j * n + k] || gamma[k * n + i] !== gamma[k * n + j]) return false;
  }
  return true;
}

/**
 * The symmetry class of each organization (0, 1, … in order of first appearance).
 * @example symmetryClasses(createGameModel(scenario)) // Int32Array [0, 0, 1] when orgs 0 and 1 are identical
 */
export function symmetryClasses(model: GameModel): Int32Array {
  checkGameModel(model);
  const s = model.scenario;
  const n = s.n;
  const C = s.classes;
  const out = new Int32Array(n);
  const byKey = new Map<string, number[]>(); // feature key → representatives of the classes with that key
  const repClass = new Map<number, number>();
  let next = 0;
  for (let i = 0; i < n; i++) {
    const parts: number[] = [s.samples[i], s.marketValue[i], s.costPerSample[i], s.maxSynthetic[i], s.privateGain[i]];
    for (let k = 0; k < C; k++) parts.push(s.labelCounts[i * C + k]);
    const key = parts.join(',');
    const reps = byKey.get(key);
    let cls = -1;
    if (reps) {
      for (const r of reps) {
        if (s.competition.kind === 'uniform' || swapInvariant(s.competition.gamma, n, r, i)) {
          cls = repClass.get(r)!;
          break;
        }
      }
    }
    if (cls < 0) {
      cls = next++;
      repClass.set(i, cls);
      if (reps) reps.push(i);
      else byKey.set(key, [i]);
    }
    out[i] = cls;
  }
  return out;
}
