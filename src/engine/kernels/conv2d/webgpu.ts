/**
 * The convolution kernels on one WebGPU device: kernels/conv2d-forward.wgsl, kernels/conv2d-backward-input.wgsl and
 * kernels/conv2d-backward-weights.wgsl declared as data, with their uniforms (kernels/lib/conv-params.wgsl) and
 * dispatch sizes, each call one bound call (src/engine/gpu/bound-call.ts): operands bound whole, so each must fit the
 * device's binding limit (INVALID_ARGUMENT otherwise). Direct float32 loops, one invocation per output element:
 * correct everywhere, fast on no CPU (the native addon is the fast path there).
 */
import { packUniforms } from '../../gpu/dispatch.js';
import { runBoundCall, type Binding, type Pass } from '../../gpu/bound-call.js';
import type { GpuContext } from '../../gpu/program-runner.js';
import { BuiltinProgram } from '../../gpu/program.js';
import type { Conv2dBackwardInput, Conv2dForwardInput, Conv2dGradients, Conv2dShape } from './contract.js';

/** Params of kernels/lib/conv-params.wgsl, in its order. */
export function conv2dUniforms(s: Conv2dShape, relu: boolean): ArrayBuffer {
  return packUniforms([
    { name: 'batch', type: 'u32', value: s.batch },
    { name: 'channels', type: 'u32', value: s.channels },
    { name: 'height', type: 'u32', value: s.height },
    { name: 'width', type: 'u32', value: s.width },
    { name: 'outChannels', type: 'u32', value: s.outChannels },
    { name: 'kernelH', type: 'u32', value: s.kernelHeight },
    { name: 'kernelW', type: 'u32', value: s.kernelWidth },
    { name: 'stride', type: 'u32', value: s.stride },
    { name: 'padding', type: 'u32', value: s.padding },
    { name: 'outH', type: 'u32', value: s.outHeight },
    { name: 'outW', type: 'u32', value: s.outWidth },
    { name: 'relu', type: 'u32', value: relu ? 1 : 0 },
  ]);
}

export class Conv2dGpuKernels {
  private readonly forwardProgram = new BuiltinProgram('conv2d-forward', 64);
  private readonly inputProgram = new BuiltinProgram('conv2d-backward-input', 64);
  private readonly weightsProgram = new BuiltinProgram('conv2d-backward-weights', 64);

  constructor(private readonly ctx: GpuContext) {}

  async forward(input: Conv2dForwardInput): Promise<Float32Array> {
    const length = input.batch * input.outChannels * input.outHeight * input.outWidth;
    const program = this.forwardProgram;
    const [y] = await runBoundCall(
      this.ctx,
      'conv2d',
      [
        { name: 'input.x', data: input.x },
        { name: 'input.w', data: input.w },
        { name: 'input.bias', data: input.bias },
        { name: 'y', bytes: length * 4, read: true },
      ],
      [
        {
          program,
          uniforms: conv2dUniforms(input, input.relu),
          bind: [0, 1, 2, 3],
          size: program.dispatch(length, this.ctx.maxPerDimension),
        },
      ],
    );
    return new Float32Array(y!);
  }

  async backward(input: Conv2dBackwardInput): Promise<Conv2dGradients> {
    const { x, w, dy, y, relu, needDx } = input;
    const uniforms = conv2dUniforms(input, relu);
    const bindings: Binding[] = [
      { name: 'input.x', data: x },
      { name: 'input.w', data: w },
      { name: 'input.dy', data: dy },
      { name: 'dw', bytes: w.length * 4, read: true },
      { name: 'db', bytes: input.outChannels * 4, read: true },
    ];
    // binding 5: the forward output when relu (the mask), else the dummy (−1)
    const mask = y ? 5 : -1;
    if (y) bindings.push({ name: 'input.y', data: y });
    const weights = this.weightsProgram;
    const passes: Pass[] = [
      {
        program: weights,
        uniforms,
        bind: [0, 2, mask, 3, 4],
        size: weights.dispatch(w.length + input.outChannels, this.ctx.maxPerDimension),
      },
    ];
    if (needDx) {
      const dxAt = bindings.length;
      bindings.push({ name: 'dx', bytes: x.length * 4, read: true });
      const program = this.inputProgram;
      passes.push({
        program,
        uniforms,
        bind: [1, 2, mask, dxAt],
        size: program.dispatch(x.length, this.ctx.maxPerDimension),
      });
    }
    const [dw, db, dx] = await runBoundCall(this.ctx, 'conv2dBackward', bindings, passes);
    return { dw: new Float32Array(dw!), db: new Float32Array(db!), dx: dx ? new Float32Array(dx) : null };
  }
}
