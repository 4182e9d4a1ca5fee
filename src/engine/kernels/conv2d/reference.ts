/**
 * The plain-TS reference of the convolution kernels (contract.ts states them): direct loops, float64 accumulation,
 * rounded once into float32 storage. The float64 forward and backward are exported too: src/fl's CNN runs on them
 * (in float64 for finite-difference checks).
 */
import type { Conv2dBackwardInput, Conv2dForwardInput, Conv2dGradients, Conv2dShape } from './contract.js';

/** y = conv(x, w) + bias (then ReLU) in float64, from any numeric arrays laid out as in the contract. */
export function conv2dForward64(
  s: Conv2dShape,
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  bias: ArrayLike<number>,
  relu: boolean,
): Float64Array {
  const { batch, channels: C, height: H, width: W, outChannels: O, kernelHeight: KH, kernelWidth: KW } = s;
  const { stride: S, padding: P, outHeight: OH, outWidth: OW } = s;
  const y = new Float64Array(batch * O * OH * OW);
  for (let n = 0; n < batch; n++) {
    for (let o = 0; o < O; o++) {
      for (let oh = 0; oh < OH; oh++) {
        for (let ow = 0; ow < OW; ow++) {
          let acc = bias[o]!;
          for (let c = 0; c < C; c++) {
            for (let kh = 0; kh < KH; kh++) {
              const ih = oh * S - P + kh;
              if (ih < 0 || ih >= H) continue;
              const xRow = ((n * C + c) * H + ih) * W;
              const wRow = ((o * C + c) * KH + kh) * KW;
              for (let kw = 0; kw < KW; kw++) {
                const iw = ow * S - P + kw;
                if (iw < 0 || iw >= W) continue;
                acc += x[xRow + iw]! * w[wRow + kw]!;
              }
            }
          }
          y[((n * O + o) * OH + oh) * OW + ow] = relu && !(acc > 0) ? 0 : acc;
        }
      }
    }
  }
  return y;
}

export function conv2dForwardJs(input: Conv2dForwardInput): Float32Array {
  return Float32Array.from(conv2dForward64(input, input.x, input.w, input.bias, input.relu));
}

export function conv2dBackwardJs(input: Conv2dBackwardInput): Conv2dGradients {
  const { x, w, dy, y, relu, needDx } = input;
  const { dw, db, dx } = conv2dBackward64(input, x, w, dy, y, relu, needDx);
  return { dw: Float32Array.from(dw), db: Float32Array.from(db), dx: dx ? Float32Array.from(dx) : null };
}

/** dw, db and (when needDx) dx in float64, from any numeric arrays laid out as in the contract. */
export function conv2dBackward64(
  s: Conv2dShape,
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  dy: ArrayLike<number>,
  y: ArrayLike<number> | null,
  relu: boolean,
  needDx: boolean,
): { dw: Float64Array; db: Float64Array; dx: Float64Array | null } {
  const { batch, channels: C, height: H, width: W, outChannels: O, kernelHeight: KH, kernelWidth: KW } = s;
  const { stride: S, padding: P, outHeight: OH, outWidth: OW } = s;
  const dw = new Float64Array(O * C * KH * KW);
  const db = new Float64Array(O);
  const dx = needDx ? new Float64Array(batch * C * H * W) : null;
  for (let n = 0; n < batch; n++) {
    for (let o = 0; o < O; o++) {
      for (let oh = 0; oh < OH; oh++) {
        for (let ow = 0; ow < OW; ow++) {
          const at = ((n * O + o) * OH + oh) * OW + ow;
          // Through the fused ReLU: the gradient passes where the forward output was positive.
          const g = relu && !(y![at]! > 0) ? 0 : dy[at]!;
          db[o]! += g;
          for (let c = 0; c < C; c++) {
            for (let kh = 0; kh < KH; kh++) {
              const ih = oh * S - P + kh;
              if (ih < 0 || ih >= H) continue;
              const xRow = ((n * C + c) * H + ih) * W;
              const wRow = ((o * C + c) * KH + kh) * KW;
              for (let kw = 0; kw < KW; kw++) {
                const iw = ow * S - P + kw;
                if (iw < 0 || iw >= W) continue;
                dw[wRow + kw]! += g * x[xRow + iw]!;
                if (dx) dx[xRow + iw]! += g * w[wRow + kw]!;
              }
            }
          }
        }
      }
    }
  }
  return { dw, db, dx };
}
