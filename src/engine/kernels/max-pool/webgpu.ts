/**
 * Max pooling on one WebGPU device: kernels/max-pool.wgsl and kernels/max-pool-backward.wgsl declared as data, with
 * their uniforms and dispatch sizes, each call one bound call (src/engine/gpu/bound-call.ts).
 */
import { packUniforms } from '../../gpu/dispatch.js';
import { runBoundCall } from '../../gpu/bound-call.js';
import type { GpuContext } from '../../gpu/program-runner.js';
import { BuiltinProgram } from '../../gpu/program.js';
import type { MaxPoolBackwardInput, MaxPoolForwardInput, MaxPoolOutput, MaxPoolShape } from './contract.js';

/** Params of kernels/max-pool.wgsl and kernels/max-pool-backward.wgsl. */
export function maxPoolUniforms(s: MaxPoolShape): ArrayBuffer {
  return packUniforms([
    { name: 'planes', type: 'u32', value: s.batch * s.channels },
    { name: 'height', type: 'u32', value: s.height },
    { name: 'width', type: 'u32', value: s.width },
    { name: 'kernel', type: 'u32', value: s.kernel },
    { name: 'stride', type: 'u32', value: s.stride },
    { name: 'outH', type: 'u32', value: s.outHeight },
    { name: 'outW', type: 'u32', value: s.outWidth },
    { name: '_pad0', type: 'u32', value: 0 },
  ]);
}

export class MaxPoolGpuKernels {
  private readonly forwardProgram = new BuiltinProgram('max-pool', 64);
  private readonly backwardProgram = new BuiltinProgram('max-pool-backward', 64);

  constructor(private readonly ctx: GpuContext) {}

  async forward(input: MaxPoolForwardInput): Promise<MaxPoolOutput> {
    const count = input.batch * input.channels * input.outHeight * input.outWidth;
    const program = this.forwardProgram;
    const [y, indices] = await runBoundCall(
      this.ctx,
      'maxPool2d',
      [
        { name: 'input.x', data: input.x },
        { name: 'y', bytes: count * 4, read: true },
        { name: 'indices', bytes: count * 4, read: true },
      ],
      [
        {
          program,
          uniforms: maxPoolUniforms(input),
          bind: [0, 1, 2],
          size: program.dispatch(count, this.ctx.maxPerDimension),
        },
      ],
    );
    return { y: new Float32Array(y!), indices: new Int32Array(indices!) };
  }

  async backward(input: MaxPoolBackwardInput): Promise<Float32Array> {
    const length = input.batch * input.channels * input.height * input.width;
    const program = this.backwardProgram;
    const [dx] = await runBoundCall(
      this.ctx,
      'maxPool2dBackward',
      [
        { name: 'input.dy', data: input.dy },
        { name: 'input.indices', data: input.indices },
        { name: 'dx', bytes: length * 4, read: true },
      ],
      [
        {
          program,
          uniforms: maxPoolUniforms(input),
          bind: [0, 1, 2],
          size: program.dispatch(length, this.ctx.maxPerDimension),
        },
      ],
    );
    return new Float32Array(dx!);
  }
}
