/**
 * WebGPU tier: the FedAvg kernel through Dawn, checked against a float64 JS loop. Needs
 * bindings/wgsl.generated.ts (run `node scripts/embed-kernels.mjs` first). Without an adapter these tests skip,
 * except under CI=true, where a missing adapter fails them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeGpu, requestGpuDevice } from '../../bindings/dawn.js';
import { CocogenError } from '../../src/core/errors.js';
import { dispatch1d, packUniforms } from '../../src/engine/gpu/dispatch.js';
import { FedAvgProgram, planFedAvg, splitWeights } from '../../src/engine/kernels/fed-avg/webgpu.js';
import { GpuBufferPool } from '../../src/engine/gpu/buffer-pool.js';
import { buf, runKernel, type Step } from '../../src/engine/gpu/kernel-runner.js';
import { ProgramRunner, type GpuContext } from '../../src/engine/gpu/program-runner.js';
import {
  addPartials,
  finishSquaredNorms,
  planSquaredNorms,
  SQUARED_NORMS_PARTIAL_BYTES,
  SquaredNormsProgram,
} from '../../src/engine/kernels/squared-norms/webgpu.js';
import { fedAvgKernel, fedAvgKernelWith } from '../../src/engine/kernels/fed-avg/kernel.js';
import { squaredNormsKernel } from '../../src/engine/kernels/squared-norms/kernel.js';
import { WebGpuBackend } from '../../src/engine/webgpu-backend.js';
import { Random } from '../../src/util/random.js';
import { runModule } from '../support/cli.js';

/** FedAvg on a WebGPU backend through its one entry point (`kernel`: another program's declaration). */
const fedAvgOn = (
  gpu: WebGpuBackend,
  updates: readonly Float32Array[],
  weights: Float64Array,
  out: Float32Array,
  kernel = fedAvgKernel,
) => gpu.run(kernel, { updates, weights, out });

const probe = await probeGpu();
const requireGpu = process.env.CI === 'true';

/** The engine's seeded PRNG, so failures reproduce. */
function rng(seed: number): () => number {
  const r = new Random(seed);
  return () => r.next();
}

function makeUpdates(k: number, p: number, seed: number, signed: boolean): Float32Array[] {
  const r = rng(seed);
  return Array.from({ length: k }, () => {
    const u = new Float32Array(p);
    for (let i = 0; i < p; i++) u[i] = signed ? (r() - 0.5) * 2 * 10 ** (4 * r() - 2) : r() * 10 ** (4 * r() - 2);
    return u;
  });
}

function makeWeights(k: number, seed: number): Float64Array {
  const r = rng(seed);
  const w = Float64Array.from({ length: k }, () => r() + 1e-3);
  const sum = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / sum);
}

/** fedAvg into a new array; the flag it resolves to must say whether that array holds a NaN or ±Infinity. */
async function average(
  backend: WebGpuBackend,
  updates: readonly Float32Array[],
  weights: Float64Array,
): Promise<Float32Array> {
  const out = new Float32Array(updates[0]!.length);
  const nonFinite = await fedAvgOn(backend, updates, weights, out);
  expect(nonFinite).toBe(!out.every((v) => Number.isFinite(v)));
  return out;
}

/** The float64 reference: Σ_k w_k·u_k[i] and the magnitude Σ_k |w_k·u_k[i]| (the scale of cancellation). */
function reference(
  updates: readonly Float32Array[],
  weights: Float64Array,
): { value: Float64Array; magnitude: Float64Array } {
  const p = updates[0]!.length;
  const value = new Float64Array(p);
  const magnitude = new Float64Array(p);
  updates.forEach((u, k) => {
    const w = weights[k]!;
    for (let i = 0; i < p; i++) {
      const t = w * u[i]!;
      value[i]! += t;
      magnitude[i]! += Math.abs(t);
    }
  });
  return { value, magnitude };
}

/**
 * Largest error relative to max(|ref|, floor·Σ|w u|) (floor = 0: plain relative error). Non-finite reference values
 * must be matched exactly (NaN where NaN, the same infinity).
 */
function maxRelativeError(
  actual: Float32Array,
  updates: readonly Float32Array[],
  weights: Float64Array,
  floor = 0,
): number {
  const { value, magnitude } = reference(updates, weights);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const want = value[i]!;
    const got = actual[i]!;
    if (!Number.isFinite(want) || !Number.isFinite(got)) {
      if (!Object.is(Math.fround(want), got) && !(Number.isNaN(want) && Number.isNaN(got))) {
        throw new Error(`element ${i}: expected ${want} but received ${got}`);
      }
      continue;
    }
    const scale = Math.max(Math.abs(want), floor * magnitude[i]!, Number.MIN_VALUE);
    worst = Math.max(worst, Math.abs(got - want) / scale);
  }
  return worst;
}

async function expectCode(promise: Promise<unknown> | (() => unknown), code: string): Promise<CocogenError> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (e) {
    expect(e).toBeInstanceOf(CocogenError);
    expect((e as CocogenError).code).toBe(code);
    return e as CocogenError;
  }
  throw new Error(`expected a CocogenError ${code}`);
}

describe('fed-avg host side (no GPU needed)', () => {
  it('plans chunks that fit the binding limit', () => {
    for (const [k, p, limit] of [
      [1, 1, 16],
      [2, 33_555_432, 134_217_728],
      [1, 33_554_449, 134_217_728],
      [1_000_000, 2, 1 << 20],
      [1_000_000, 10_000_000, 134_217_728],
      [37, 5003, 4096],
    ] as const) {
      const plan = planFedAvg(k, p, limit);
      expect(plan.kGroup * plan.chunkP * 4).toBeLessThanOrEqual(limit);
      expect(plan.kGroup * 16).toBeLessThanOrEqual(limit);
      if (plan.groups > 1) expect(plan.chunkP * 8).toBeLessThanOrEqual(limit);
      expect(plan.chunks).toBe(Math.ceil(p / plan.chunkP));
      expect(plan.groups).toBe(Math.ceil(k / plan.kGroup));
    }
  });

  it('splits weights into w1 + w2 + w3 to ~2^-46', () => {
    const w = new Float64Array([1, 0.1, 1 / 3, 1e-7, 0.999999999]);
    const s = splitWeights(w);
    w.forEach((x, k) =>
      expect(Math.abs(s[4 * k]! + s[4 * k + 1]! + s[4 * k + 2]! - x)).toBeLessThanOrEqual(x * 2 ** -46),
    );
  });

  it('sizes 2-D dispatches and packs uniforms to 16 bytes', () => {
    expect(dispatch1d(1, 256, 65535)).toEqual([1, 1, 1]);
    const [x, y] = dispatch1d(33_554_449, 256, 65535);
    expect(x * y * 256).toBeGreaterThanOrEqual(33_554_449);
    expect(x).toBeLessThanOrEqual(65535);
    const u = packUniforms([{ name: 'a', type: 'u32', value: 7 }]);
    expect(u.byteLength).toBe(16);
    expect(new Uint32Array(u)[0]).toBe(7);
    expect(() => packUniforms([{ name: 'a', type: 'u32', value: -1 }])).toThrow(CocogenError);
  });
});

describe('squared-norms host side (no GPU needed)', () => {
  it('plans chunks whose updates and partials fit the binding limit and the dispatch limit', () => {
    const span = new SquaredNormsProgram().elementsPerGroup;
    for (const [k, p, limit, maxPerDim] of [
      [1, 1, 16, 65535],
      [3, 10_001, 4096, 65535],
      [200, 5, 4096, 65535],
      [2, 37, 16, 65535],
      [1, 1 << 30, 1 << 30, 65535],
      [1_000_000, 1, 134_217_728, 65535],
      [1_000_000, 3, 134_217_728, 2],
      [5, 100_000, 134_217_728, 2],
    ] as const) {
      const plan = planSquaredNorms(k, p, limit, maxPerDim, span);
      const perRow = Math.ceil(plan.chunkP / span);
      expect(plan.kGroup * plan.chunkP * 4).toBeLessThanOrEqual(limit);
      expect(plan.groups).toBe(plan.kGroup * perRow);
      expect(plan.groups * SQUARED_NORMS_PARTIAL_BYTES).toBeLessThanOrEqual(limit);
      expect(plan.groups).toBeLessThanOrEqual(maxPerDim ** 2);
      expect(plan.kGroup === 1 || plan.chunkP === p).toBe(true);
      if (plan.chunkP < p && plan.chunkP >= span) expect(plan.chunkP % span).toBe(0);
    }
  });

  it('adds partials as (hi + lo)·2^(2e) in float64 and turns flags into NaN / Infinity', () => {
    const words = new ArrayBuffer(4 * SQUARED_NORMS_PARTIAL_BYTES);
    const put = (g: number, hi: number, lo: number, e: number, flags: number) => {
      new Float32Array(words, g * SQUARED_NORMS_PARTIAL_BYTES, 2).set([hi, lo]);
      new Int32Array(words, g * SQUARED_NORMS_PARTIAL_BYTES + 8, 2).set([e, flags]);
    };
    // Row 0: two partials at the ends of the exponent range; row 1: an Infinity flag beside a NaN flag.
    put(0, 1.5, 2 ** -30, 127, 0);
    put(1, 3, 0, -149, 0);
    put(2, 1, 0, 0, 2);
    put(3, 0, 0, 0, 1);
    const sums = new Float64Array(2);
    const flags = new Uint32Array(2);
    addPartials(words, 4, 2, 0, sums, flags);
    expect(sums[0]).toBe((1.5 + 2 ** -30) * 2 ** 254 + 3 * 2 ** -298);
    expect(Array.from(finishSquaredNorms(sums, flags))).toEqual([sums[0], NaN]);
    expect(Array.from(finishSquaredNorms(new Float64Array([4]), new Uint32Array([2])))).toEqual([Infinity]);
  });

  it('needs a power-of-two workgroup size', () => {
    expect(() => new SquaredNormsProgram({ workgroupSize: 96 })).toThrow(RangeError);
    expect(new SquaredNormsProgram({ workgroupSize: 64, items: 4 }).elementsPerGroup).toBe(256);
  });
});

if (!probe.available && requireGpu) {
  describe('WebGPU backend (CI requires an adapter)', () => {
    it('finds a WebGPU adapter', () => {
      throw new Error(`CI=true but no WebGPU adapter: ${probe.reason}`);
    });
  });
}

describe.skipIf(!probe.available)(`WebGPU backend${probe.available ? '' : ` — skipped: ${probe.reason}`}`, () => {
  let gpu: WebGpuBackend;
  beforeAll(async () => {
    gpu = await WebGpuBackend.create();
  });
  afterAll(() => gpu?.dispose());

  it('describes its adapter and limits', () => {
    const info = gpu.info();
    expect(info.name).toBe('webgpu');
    expect(info.device.length).toBeGreaterThan(0);
    const limits = info.details.limits as Record<string, number>;
    expect(limits.maxStorageBufferBindingSize).toBeGreaterThanOrEqual(128 * 1024 * 1024);
    expect(info.details.chunkBytes).toBe(Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize));
    expect(typeof info.details.isFallbackAdapter).toBe('boolean');
  });

  it('K = 1, P = 1', async () => {
    const out = await average(gpu, [new Float32Array([3.5])], new Float64Array([1]));
    expect(Array.from(out)).toEqual([3.5]);
  });

  it('P not a multiple of the workgroup size, mixed signs, into a given out', async () => {
    const updates = makeUpdates(7, 1000, 1, true);
    const weights = makeWeights(7, 2);
    const out = new Float32Array(1000);
    await expect(fedAvgOn(gpu, updates, weights, out)).resolves.toBe(false);
    expect(maxRelativeError(out, updates, weights, 1e-3)).toBeLessThan(1e-6);
  });

  it('streams many chunks of P (forced by maxChunkBytes)', async () => {
    const k = 3;
    const p = 200_003;
    const maxChunkBytes = k * 4 * 65536;
    expect(planFedAvg(k, p, maxChunkBytes)).toEqual({ chunkP: 65536, kGroup: 3, chunks: 4, groups: 1 });
    const small = await WebGpuBackend.create({ maxChunkBytes });
    try {
      const updates = makeUpdates(k, p, 3, true);
      const weights = makeWeights(k, 4);
      expect(maxRelativeError(await average(small, updates, weights), updates, weights, 1e-3)).toBeLessThan(1e-6);
    } finally {
      small.dispose();
    }
  });

  it('splits over K with carried partial sums when K columns do not fit (forced by maxChunkBytes)', async () => {
    const k = 37;
    const p = 5003;
    const plan = planFedAvg(k, p, 4096);
    expect(plan.groups).toBeGreaterThan(1);
    expect(plan.chunks).toBeGreaterThan(1);
    const small = await WebGpuBackend.create({ maxChunkBytes: 4096 });
    try {
      const updates = makeUpdates(k, p, 5, true);
      const weights = makeWeights(k, 6);
      expect(maxRelativeError(await average(small, updates, weights), updates, weights, 1e-3)).toBeLessThan(1e-6);
    } finally {
      small.dispose();
    }
  });

  it('K = 10^6 updates (K × 4 bytes above the chunk limit)', async () => {
    const k = 1_000_000;
    const p = 2;
    const maxChunkBytes = 1 << 20;
    expect(planFedAvg(k, p, maxChunkBytes).groups).toBeGreaterThan(1);
    const small = await WebGpuBackend.create({ maxChunkBytes });
    try {
      const updates = makeUpdates(k, p, 7, false);
      const weights = makeWeights(k, 8);
      expect(maxRelativeError(await average(small, updates, weights), updates, weights)).toBeLessThan(1e-6);
    } finally {
      small.dispose();
    }
  });

  it('K = 1000 matches float64 within 1e-6 relative, positive and mixed-sign data', async () => {
    const k = 1000;
    const p = 4099;
    const weights = makeWeights(k, 10);
    const positive = makeUpdates(k, p, 11, false);
    const positiveErr = maxRelativeError(await average(gpu, positive, weights), positive, weights);
    const mixed = makeUpdates(k, p, 12, true);
    const mixedOut = await average(gpu, mixed, weights);
    const mixedErr = maxRelativeError(mixedOut, mixed, weights, 1e-3);
    const mixedPlainErr = maxRelativeError(mixedOut, mixed, weights);
    console.info(
      `fed-avg K=1000 on ${gpu.info().device}: positive max rel err ${positiveErr.toExponential(2)}, ` +
        `mixed-sign max err / max(|ref|, 1e-3·Σ|w·u|) ${mixedErr.toExponential(2)}, mixed-sign plain relative ${mixedPlainErr.toExponential(2)}`,
    );
    expect(positiveErr).toBeLessThan(1e-6);
    expect(mixedErr).toBeLessThan(1e-6);
  });

  it('propagates NaN and infinities IEEE-style', async () => {
    const updates = makeUpdates(3, 300, 13, true);
    updates[0]![5] = NaN;
    updates[1]![7] = Infinity;
    updates[2]![9] = -Infinity;
    updates[0]![9] = Infinity;
    updates[2]![11] = -Infinity;
    const weights = makeWeights(3, 14);
    const out = await average(gpu, updates, weights);
    expect(out[5]).toBeNaN();
    expect(out[7]).toBe(Infinity);
    expect(out[9]).toBeNaN();
    expect(out[11]).toBe(-Infinity);
    expect(maxRelativeError(out, updates, weights, 1e-3)).toBeLessThan(1e-6);
  });

  it('resolves to the status word: set by any chunk or group of K, read back behind the last chunk, zeroed per call', async () => {
    const k = 37;
    const p = 5003;
    const plan = planFedAvg(k, p, 4096);
    expect(plan.groups).toBeGreaterThan(1);
    expect(plan.chunks).toBeGreaterThan(2);
    const small = await WebGpuBackend.create({ maxChunkBytes: 4096 });
    try {
      const updates = makeUpdates(k, p, 21, true);
      const weights = makeWeights(k, 22);
      const out = new Float32Array(p);
      // The first, a middle and the last element (in the first, a middle and the last chunk), from the first and the
      // last group of K, then an overflow of f32 from finite inputs in the last element: each call sets the word,
      // and the finite call after it finds it zeroed again.
      const heavy = weights.map((w) => w * 1e10);
      const poison: [number, number, number, Float64Array][] = [
        [0, 0, NaN, weights],
        [k - 1, plan.chunkP + 3, Infinity, weights],
        [20, p - 1, -Infinity, weights],
        [-1, p - 1, 3e38, heavy],
      ];
      for (const [j, i, value, w] of poison) {
        const saved = updates.map((u) => u[i]!);
        if (j >= 0) updates[j]![i] = value;
        else for (const u of updates) u[i] = value;
        await expect(fedAvgOn(small, updates, w, out)).resolves.toBe(true);
        expect(Number.isFinite(out[i]!)).toBe(false);
        updates.forEach((u, m) => (u[i] = saved[m]!));
        await expect(fedAvgOn(small, updates, weights, out)).resolves.toBe(false);
      }
      expect(small.poolStats().bytesInUse).toBe(0);
    } finally {
      small.dispose();
    }
  });

  it('runs P above the device binding limit: K = 2 (K·P·4 > limit) and K = 1 (one update > limit)', async () => {
    const limit = gpu.info().details.limits as Record<string, number>;
    const floatsPerBinding = limit.maxStorageBufferBindingSize! / 4;
    for (const [k, p] of [
      [2, floatsPerBinding + 1000],
      [1, floatsPerBinding + 17],
    ] as const) {
      const updates = Array.from({ length: k }, (_, j) => {
        const u = new Float32Array(p);
        for (let i = 0; i < p; i++) u[i] = ((i * 7 + j * 13) % 1001) - 500.25;
        return u;
      });
      const weights = k === 1 ? new Float64Array([1]) : new Float64Array([0.3, 0.7]);
      const t0 = performance.now();
      const out = await average(gpu, updates, weights);
      const seconds = (performance.now() - t0) / 1000;
      console.info(`fed-avg K=${k} P=${p}: ${seconds.toFixed(2)} s`);
      // Spot-check both ends and the chunk seams, then everything.
      for (const i of [
        0,
        floatsPerBinding / 2 - 1,
        floatsPerBinding / 2,
        floatsPerBinding - 1,
        floatsPerBinding,
        p - 1,
      ]) {
        let want = 0;
        for (let j = 0; j < k; j++) want += weights[j]! * updates[j]![i]!;
        expect(out[i]).toBe(Math.fround(want));
      }
      expect(maxRelativeError(out, updates, weights, 1e-3)).toBeLessThan(1e-6);
    }
    expect(gpu.poolStats().bytesInUse).toBe(0);
    // Do not keep ~0.5 GiB of free buffers for the rest of the file.
    (gpu as unknown as { pool: { trim(): void } }).pool.trim();
  });

  it('returns every buffer to the pool, and frees them all on dispose', async () => {
    const backend = await WebGpuBackend.create({ maxChunkBytes: 1 << 16 });
    expect(backend.poolStats()).toEqual({
      bytesAllocated: 0,
      bytesInUse: 0,
      bytesFree: 0,
      buffersInUse: 0,
      buffersFree: 0,
    });
    const updates = makeUpdates(4, 50_000, 15, true);
    const weights = makeWeights(4, 16);
    await average(backend, updates, weights);
    const after1 = backend.poolStats();
    expect(after1.bytesInUse).toBe(0);
    expect(after1.bytesAllocated).toBeGreaterThan(0);
    await average(backend, updates, weights);
    // The second call reuses the pooled buffers.
    expect(backend.poolStats()).toEqual(after1);
    backend.dispose();
    expect(backend.poolStats()).toEqual({
      bytesAllocated: 0,
      bytesInUse: 0,
      bytesFree: 0,
      buffersInUse: 0,
      buffersFree: 0,
    });
  });

  it('squaredNorms returns every buffer to the pool and reuses them', async () => {
    const backend = await WebGpuBackend.create({ maxChunkBytes: 1 << 14 });
    try {
      const updates = makeUpdates(3, 20_000, 19, true);
      await backend.run(squaredNormsKernel, updates);
      const after1 = backend.poolStats();
      expect(after1.bytesInUse).toBe(0);
      expect(after1.bytesAllocated).toBeGreaterThan(0);
      await backend.run(squaredNormsKernel, updates);
      expect(backend.poolStats()).toEqual(after1);
    } finally {
      backend.dispose();
    }
    await expectCode(backend.run(squaredNormsKernel, [new Float32Array(1)]), 'DISPOSED');
  });

  it('throws DISPOSED after dispose; dispose is idempotent', async () => {
    const backend = await WebGpuBackend.create();
    expect(backend.disposed).toBe(false);
    backend.dispose();
    backend.dispose();
    expect(backend.disposed).toBe(true);
    await expectCode(fedAvgOn(backend, [new Float32Array(1)], new Float64Array([1]), new Float32Array(1)), 'DISPOSED');
    await expectCode(() => backend.info(), 'DISPOSED');
  });

  it('rejects an in-flight call with DISPOSED when disposed mid-run', async () => {
    const backend = await WebGpuBackend.create({ maxChunkBytes: 1 << 16 });
    const updates = makeUpdates(4, 400_000, 17, false);
    const running = fedAvgOn(backend, updates, makeWeights(4, 18), new Float32Array(400_000));
    await new Promise((resolve) => setTimeout(resolve, 5));
    backend.dispose();
    await expectCode(running, 'DISPOSED');
    expect(backend.poolStats().bytesAllocated).toBe(0);
  });

  it('surfaces a broken shader as GPU_ERROR naming the kernel', async () => {
    const broken = new FedAvgProgram({
      name: 'fed-avg-broken',
      shaderSource: '@compute @workgroup_size(64) fn main( {',
    });
    const backend = await WebGpuBackend.create();
    try {
      const e = await expectCode(
        fedAvgOn(backend, [new Float32Array(4)], new Float64Array([1]), new Float32Array(4), fedAvgKernelWith(broken)),
        'GPU_ERROR',
      );
      expect(e.message).toContain('"fed-avg-broken"');
      expect(e.message).toContain('creating its pipeline');
      expect(e.details).toMatchObject({ kernel: 'fed-avg-broken' });
      // Not cached: a second call reports it again.
      await expectCode(
        fedAvgOn(backend, [new Float32Array(4)], new Float64Array([1]), new Float32Array(4), fedAvgKernelWith(broken)),
        'GPU_ERROR',
      );
    } finally {
      backend.dispose();
    }
  });

  it('surfaces a bind-group validation error (shader and buffers disagree) as GPU_ERROR naming the kernel', async () => {
    // Valid WGSL, but binding 1 declared as a uniform while the program binds a storage buffer there.
    const source = new FedAvgProgram().shaderSource.replace(
      'var<storage, read> weights: array<vec4<f32>>;',
      'var<uniform> weights: array<vec4<f32>, 4>;',
    );
    expect(source).toContain('var<uniform> weights');
    const mismatched = new FedAvgProgram({ name: 'fed-avg-mismatched', shaderSource: source });
    const backend = await WebGpuBackend.create();
    try {
      const e = await expectCode(
        fedAvgOn(
          backend,
          [new Float32Array(4)],
          new Float64Array([1]),
          new Float32Array(4),
          fedAvgKernelWith(mismatched),
        ),
        'GPU_ERROR',
      );
      expect(e.message).toContain('"fed-avg-mismatched"');
      expect(backend.poolStats().bytesInUse).toBe(0);
    } finally {
      backend.dispose();
    }
  });

  it('ProgramRunner caches pipelines by key and reports compile errors by kernel name', async () => {
    const { device } = await requestGpuDevice({ label: 'program-runner test' });
    try {
      const runner = new ProgramRunner(device);
      const a = await runner.pipeline(new FedAvgProgram());
      expect(await runner.pipeline(new FedAvgProgram())).toBe(a);
      expect(await runner.pipeline(new FedAvgProgram({ workgroupSize: 64 }))).not.toBe(a);
      expect(runner.cachedPipelines).toBe(2);
      const e = await expectCode(
        runner.pipeline(new FedAvgProgram({ name: 'not-wgsl', shaderSource: 'not wgsl' })),
        'GPU_ERROR',
      );
      expect(e.message).toMatch(/validation error in kernel "not-wgsl"/);
    } finally {
      device.destroy();
    }
  });

  it('runKernel: two readbacks in flight land in order; a failing step is GPU_ERROR naming it; buffers come back', async () => {
    const { device } = await requestGpuDevice({ label: 'kernel-runner test' });
    try {
      const pool = new GpuBufferPool(device);
      const ctx: GpuContext = {
        device,
        runner: new ProgramRunner(device),
        pool,
        maxPerDimension: 65535,
        bindingBytes: 1 << 16,
        translate: (e) => e as CocogenError,
        guard: () => undefined,
      };
      // No program: each step uploads a chunk, copies it to the readback slot of its group, reads it back.
      const data = Float32Array.from({ length: 40 }, (_, i) => i * 1.5);
      const out = new Float32Array(40);
      const chunk = (start: number): Step<'x' | 'r'> => ({
        what: `copying elements ${start}`,
        writes: [{ to: 'x', data, start, count: 8 }],
        submit: [{ label: `copy ${start}`, copies: [{ from: 'x', to: 'r', bytes: 32 }] }],
        read: [{ from: 'r', into: out, at: start, count: 8 }],
      });
      const copied = await runKernel<'x' | 'r', string>(ctx, {
        name: 'copy-test',
        method: 'copyTest',
        programs: [],
        plan: () => ({
          buffers: { x: buf.inout(32), r: buf.readback(32, 'r', 2) },
          inFlight: 2,
          steps: [0, 8, 16, 24, 32].map(chunk),
          result: () => 'done',
        }),
      });
      expect(copied).toBe('done');
      expect(out).toEqual(data);
      expect(pool.stats().bytesInUse).toBe(0);
      const e = await expectCode(
        runKernel<'x' | 'r', void>(ctx, {
          name: 'copy-test',
          method: 'copyTest',
          programs: [],
          plan: () => ({
            buffers: { x: buf.inout(32), r: buf.readback(32) },
            steps: [
              chunk(0),
              { what: 'copying too much', submit: [{ label: 'overrun', copies: [{ from: 'x', to: 'r', bytes: 64 }] }] },
            ],
            result: () => undefined,
          }),
        }),
        'GPU_ERROR',
      );
      expect(e.message).toMatch(/kernel "copy-test" while copying too much/);
      expect(pool.stats().bytesInUse).toBe(0);
      pool.destroyAll();
    } finally {
      device.destroy();
    }
  });

  it('lets the process exit on its own after dispose (child process, through the built package)', () => {
    const child = runModule(`
      import { createEngine } from 'cocogen';
      const engine = await createEngine({ backend: 'webgpu' });
      const r = await engine.aggregate([new Float32Array([1, 2]), new Float32Array([3, 4])], { rule: 'fedavg', weights: [1, 3] });
      engine.dispose();
      console.log('result', Array.from(r).join(','));
    `);
    expect(child.status, `the child did not exit cleanly on its own: ${child.stderr}`).toBe(0);
    expect(child.stdout).toContain('result 2.5,3.5');
  });
});
