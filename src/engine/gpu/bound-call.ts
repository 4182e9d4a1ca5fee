/**
 * A GPU call whose operands are each bound whole (the GEMM, dense-training and convolution kernels): bindings
 * uploaded into pooled storage buffers, one or more passes run in one submission inside one error scope of the
 * runner, the bindings marked `read` copied back. Each operand must fit the device's binding limit
 * (INVALID_ARGUMENT naming it otherwise); a pass binds a 4-byte dummy for an index −1.
 */
import { invalidArgument } from '../../core/errors.js';
import type { DispatchSize } from './dispatch.js';
import { buf, runKernel, type BufferDecl, type GpuKernel } from './kernel-runner.js';
import type { GpuContext } from './program-runner.js';
import type { GpuProgram } from './program.js';

/** One binding: data to upload, or a byte size for an output-only buffer; `read` copies it back afterwards. */
export interface Binding {
  name: string;
  data?: ArrayBufferView;
  bytes?: number;
  read?: boolean;
}

export interface Pass {
  program: GpuProgram;
  uniforms: ArrayBuffer;
  /** indices into the call's bindings, in binding order after the uniform (binding 0) */
  bind: number[];
  size: DispatchSize;
}

/** Upload the bindings, run the passes in one submission, read back the bindings marked `read` (in order). */
export async function runBoundCall(
  ctx: GpuContext,
  kernel: string,
  bindings: Binding[],
  passes: Pass[],
): Promise<ArrayBuffer[]> {
  ctx.guard(kernel);
  for (const b of bindings) {
    const bytes = b.data?.byteLength ?? b.bytes!;
    if (bytes > ctx.bindingBytes) {
      throw invalidArgument(b.name, `at most ${ctx.bindingBytes} bytes on this device`, b.data ?? bytes);
    }
  }
  return runKernel(ctx, boundCall(kernel, bindings, passes));
}

/**
 * One bound call as a kernel declaration: binding i is buffer `b<i>` (read and written, bound whole), its readback
 * `r<i>`, pass i's uniforms `u<i>`; one step uploads every operand, encodes every pass (each with its own bind group)
 * and the copies, and reads the outputs back.
 */
function boundCall(kernel: string, bindings: Binding[], passes: Pass[]): GpuKernel<string, ArrayBuffer[]> {
  const dataBytes = (b: Binding) => b.data?.byteLength ?? b.bytes!;
  /** The bytes the pool gives a binding (a multiple of 4, at least 4), copied and mapped whole. */
  const poolBytes = (b: Binding) => Math.max(4, Math.ceil(Math.max(4, dataBytes(b)) / 4) * 4);
  const reads = bindings.flatMap((b, i) => (b.read ? [i] : []));
  const out: ArrayBuffer[] = [];
  return {
    name: kernel,
    method: kernel,
    programs: [...new Set(passes.map((p) => p.program))],
    plan: () => {
      const buffers: Record<string, BufferDecl> = {};
      bindings.forEach((b, i) => (buffers[`b${i}`] = buf.inout(Math.max(4, dataBytes(b)), b.name)));
      buffers.unused = buf.input(4);
      for (const i of reads) buffers[`r${i}`] = buf.readback(poolBytes(bindings[i]!), `${bindings[i]!.name} readback`);
      passes.forEach((p, i) => (buffers[`u${i}`] = buf.uniform(p.uniforms.byteLength, `params ${i}`)));
      return {
        buffers,
        steps: [
          {
            what: `running ${passes.map((p) => p.program.name).join(', ')}`,
            writes: bindings.flatMap((b, i) =>
              b.data && b.data.byteLength > 0
                ? [{ to: `b${i}`, data: b.data.buffer, start: b.data.byteOffset, count: b.data.byteLength }]
                : [],
            ),
            submit: [
              {
                label: `${kernel} call`,
                passes: passes.map((p, i) => ({
                  program: p.program,
                  uniforms: p.uniforms,
                  params: `u${i}`,
                  bind: [`u${i}`, ...p.bind.map((j) => (j < 0 ? 'unused' : `b${j}`))],
                  size: p.size,
                })),
                copies: reads.map((i) => ({ from: `b${i}`, to: `r${i}`, bytes: poolBytes(bindings[i]!) })),
              },
            ],
            read: reads.map((i) => ({
              from: `r${i}`,
              bytes: dataBytes(bindings[i]!),
              mapped: poolBytes(bindings[i]!),
              then: (data: ArrayBuffer) => out.push(data),
            })),
          },
        ],
        result: () => out,
      };
    },
  };
}
