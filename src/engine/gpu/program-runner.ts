/**
 * Kernel-to-pipeline glue for one device: a pipeline cache keyed by each program's cache key, and the error-scope
 * discipline every GPU call goes through, so that validation, out-of-memory and internal errors come back as
 * CocogenError('GPU_ERROR') naming the kernel — never swallowed, never left to the uncaptured-error console.
 */
import { CocogenError } from '../../core/errors.js';
import type { GpuBufferPool } from './buffer-pool.js';
import type { DispatchSize } from './dispatch.js';
import type { GpuProgram } from './program.js';

const SCOPES: readonly GPUErrorFilter[] = ['validation', 'out-of-memory', 'internal'];

/** A GPU_ERROR naming the kernel and what it was doing. */
export function gpuError(kernel: string, what: string, message: string, kind = 'error'): CocogenError {
  return new CocogenError('GPU_ERROR', `GPU ${kind} in kernel "${kernel}" while ${what}: ${message.trim()}`, {
    kernel,
    kind,
  });
}

/** What a program module needs of the device its backend holds (WebGpuBackend builds one and hands it over). */
export interface GpuContext {
  device: GPUDevice;
  runner: ProgramRunner;
  pool: GpuBufferPool;
  maxPerDimension: number;
  /** Largest binding, bytes. */
  bindingBytes: number;
  /** A failure as the backend's typed error (DISPOSED / GPU_ERROR naming the kernel). */
  translate(e: unknown, kernel: string): CocogenError;
  /** Throws DISPOSED or the recorded device fault. */
  guard(method: string): void;
}

export class ProgramRunner {
  private readonly pipelines = new Map<string, Promise<GPUComputePipeline>>();

  constructor(readonly device: GPUDevice) {}

  /**
   * Run `work` (synchronous GPU calls only) inside validation / out-of-memory / internal error scopes. The scopes
   * are pushed and popped in the same synchronous turn, so concurrent callers cannot interleave them. The returned
   * promise rejects with the first error the device reported.
   */
  scoped<T>(kernel: string, what: string, work: () => T): { value: T; settled: Promise<void> } {
    for (const filter of SCOPES) this.device.pushErrorScope(filter);
    let value: T;
    let thrown: unknown;
    try {
      value = work();
    } catch (e) {
      thrown = e;
    }
    const pops = SCOPES.map(() => this.device.popErrorScope());
    const settled = Promise.all(pops).then(
      (errors) => {
        // Popped innermost first: 'internal', 'out-of-memory', 'validation'; report in push order.
        const reported = errors.reverse().find((e): e is GPUError => e !== null);
        if (reported) throw gpuError(kernel, what, reported.message, errorKind(reported));
      },
      (e: unknown) => {
        throw gpuError(kernel, what, (e as Error).message);
      },
    );
    if (thrown !== undefined) {
      settled.catch(() => undefined);
      throw thrown instanceof CocogenError
        ? thrown
        : gpuError(kernel, what, (thrown as Error).message ?? String(thrown));
    }
    return { value: value!, settled };
  }

  /** The compute pipeline for `program`, compiled once per cache key; GPU_ERROR (naming the kernel) on failure. */
  pipeline(program: GpuProgram): Promise<GPUComputePipeline> {
    let pending = this.pipelines.get(program.cacheKey);
    if (!pending) {
      pending = (async () => {
        const { value, settled } = this.scoped(program.name, 'creating its pipeline', () => {
          const module = this.device.createShaderModule({ label: `${program.name}.wgsl`, code: program.shaderSource });
          return this.device.createComputePipeline({
            label: `${program.name} pipeline (${program.cacheKey})`,
            layout: 'auto',
            compute: { module, entryPoint: program.entryPoint, constants: { ...program.constants } },
          });
        });
        await settled;
        return value;
      })();
      // A failed compile is not cached: the next call reports the error again instead of a stale rejection.
      pending.catch(() => this.pipelines.delete(program.cacheKey));
      this.pipelines.set(program.cacheKey, pending);
    }
    return pending;
  }

  /** Record one compute pass that runs `pipeline` over `size` workgroups with bind group 0. */
  encodeDispatch(
    encoder: GPUCommandEncoder,
    program: GpuProgram,
    pipeline: GPUComputePipeline,
    bindGroup: GPUBindGroup,
    size: DispatchSize,
  ): void {
    const pass = encoder.beginComputePass({ label: `${program.name} pass` });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(size[0], size[1], size[2]);
    pass.end();
  }

  /** Number of compiled (or compiling) pipelines. */
  get cachedPipelines(): number {
    return this.pipelines.size;
  }
}

function errorKind(error: GPUError): string {
  const name = error.constructor?.name ?? '';
  if (name.includes('Validation')) return 'validation error';
  if (name.includes('OutOfMemory')) return 'out-of-memory error';
  if (name.includes('Internal')) return 'internal error';
  return 'error';
}
