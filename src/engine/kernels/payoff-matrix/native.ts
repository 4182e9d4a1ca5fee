/** The payoff-matrix and dense row-sums kernels on the native addon (float64, multithreaded, vectorized). */
import type { CocogenAddon } from '../../../../bindings/addon.js';
import type { DenseRowSumsInput, PayoffMatrixInput, PayoffMatrixOutput } from './contract.js';

export async function payoffMatrixNative(addon: CocogenAddon, input: PayoffMatrixInput): Promise<PayoffMatrixOutput> {
  const count = input.batch * input.rowsPerItem;
  const gains = input.writeGains ? new Float64Array(count * input.grid.length) : null;
  const bestIndex = new Int32Array(count);
  const bestGain = new Float64Array(count);
  // The levels current + gain come out of the same pass as the gains (no second pass over the matrix on the host).
  const current = gains && input.current ? input.current : null;
  const utilities = current ? new Float64Array(count * input.grid.length) : null;
  await addon.payoffMatrix(
    input.rows,
    input.scenarios,
    input.grid,
    input.rowsPerItem,
    gains,
    bestIndex,
    bestGain,
    current,
    utilities,
  );
  return utilities ? { gains, bestIndex, bestGain, utilities } : { gains, bestIndex, bestGain };
}

export async function denseRowSumsNative(addon: CocogenAddon, input: DenseRowSumsInput): Promise<Float64Array> {
  const out = new Float64Array(input.vectors.length);
  await addon.denseRowSums(input.matrix, input.vectors, input.n, input.batch, out);
  return out;
}
