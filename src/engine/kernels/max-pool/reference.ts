/**
 * The plain-TS reference of max pooling (contract.ts states it, the tie rule included): direct loops; the backward
 * accumulates in float64 and rounds once. The float64 forward and backward are exported for src/fl's CNN (and its
 * finite-difference checks).
 */
import type { MaxPoolBackwardInput, MaxPoolForwardInput, MaxPoolOutput, MaxPoolShape } from './contract.js';

/** The window maxima (float64) and their positions, from any numeric array laid out as in the contract. */
export function maxPoolForward64(s: MaxPoolShape, x: ArrayLike<number>): { y: Float64Array; indices: Int32Array } {
  const { batch, channels, height: H, width: W, kernel: K, stride: S, outHeight: OH, outWidth: OW } = s;
  const y = new Float64Array(batch * channels * OH * OW);
  const indices = new Int32Array(y.length);
  for (let plane = 0; plane < batch * channels; plane++) {
    const base = plane * H * W;
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        let best = -Infinity;
        let at = -1;
        for (let kh = 0; kh < K; kh++) {
          for (let kw = 0; kw < K; kw++) {
            const p = (oh * S + kh) * W + ow * S + kw;
            const v = x[base + p]!;
            // Strictly greater keeps the first maximum; the first NaN wins and stays.
            if (at < 0 || (!Number.isNaN(best) && (v > best || Number.isNaN(v)))) {
              best = v;
              at = p;
            }
          }
        }
        const o = (plane * OH + oh) * OW + ow;
        y[o] = best;
        indices[o] = at;
      }
    }
  }
  return { y, indices };
}

export function maxPoolForwardJs(input: MaxPoolForwardInput): MaxPoolOutput {
  const { y, indices } = maxPoolForward64(input, input.x);
  return { y: Float32Array.from(y), indices };
}

export function maxPoolBackwardJs(input: MaxPoolBackwardInput): Float32Array {
  return Float32Array.from(maxPoolBackward64(input, input.dy, input.indices));
}

/** dx in float64: each dy[i] added at its window's argmax, from any numeric array laid out as in the contract. */
export function maxPoolBackward64(s: MaxPoolShape, dy: ArrayLike<number>, indices: ArrayLike<number>): Float64Array {
  const { batch, channels, height: H, width: W, outHeight: OH, outWidth: OW } = s;
  const dx = new Float64Array(batch * channels * H * W);
  for (let plane = 0; plane < batch * channels; plane++) {
    for (let i = plane * OH * OW; i < (plane + 1) * OH * OW; i++) dx[plane * H * W + indices[i]!]! += dy[i]!;
  }
  return dx;
}
