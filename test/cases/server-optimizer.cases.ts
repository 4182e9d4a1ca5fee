/**
 * The one table of server-optimizer cases (FedAvgM / FedAdam / FedYogi) that every implementation runs: the plain-TS
 * reference and the native kernel each step through these, and must agree bit for bit (the kernel computes the same
 * float32 expressions in the same order); the reference itself is checked against a float64 formula here.
 */
import { Random } from '../../src/util/random.js';

export interface ServerOptimizerCase {
  name: string;
  kind: 'FedAvgM' | 'FedAdam' | 'FedYogi';
  length: number;
  rounds: number;
  options: { eta?: number; beta1?: number; beta2?: number; tau?: number };
  /** The pseudo-gradient of each round. */
  delta(round: number): Float32Array;
}

function normal(seed: number, length: number, sd = 1): Float32Array {
  return new Random(seed).fillNormal(new Float32Array(length), 0, sd);
}

export const serverOptimizerCases: ServerOptimizerCase[] = [];
for (const kind of ['FedAvgM', 'FedAdam', 'FedYogi'] as const) {
  for (const length of [0, 1, 7, 8, 1037, 65536 + 5]) {
    serverOptimizerCases.push({
      name: `${kind}, P = ${length}, 3 rounds`,
      kind,
      length,
      rounds: 3,
      options: { eta: 0.05, beta1: 0.9, beta2: 0.99, tau: 1e-3 },
      delta: (round) => normal(length * 31 + round, length, 0.01),
    });
  }
  serverOptimizerCases.push({
    name: `${kind}, zero deltas and a tiny τ`,
    kind,
    length: 33,
    rounds: 2,
    options: { eta: 1, beta1: 0, beta2: 0.5, tau: 1e-9 },
    delta: (round) => (round === 0 ? new Float32Array(33) : normal(5, 33)),
  });
}
