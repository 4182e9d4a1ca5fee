/**
 * The one table of server-optimizer cases (FedAvgM / FedAdam / FedYogi) that every backend runs through the
 * optimizer classes on an engine (`runServerOptimizerTable`): js and native must equal the plain-TS reference bit
 * for bit (the native kernel computes the same float32 expressions in the same order); WebGPU within a tolerance
 * scaled by the steps taken (WGSL's f32 sqrt and division are not correctly rounded). Beyond the cases: state that
 * persists across steps where it lives (read back with readState), state written by one backend and continued on
 * another, writeState's validation, and DISPOSED after the optimizer's or the engine's dispose().
 */
import { afterAll, describe, expect, it } from 'vitest';
import { engineBackend, type Engine } from '../../src/engine/engine.js';
import {
  FedAdam,
  FedAvgM,
  FedYogi,
  serverOptimizerStepReference,
  type ServerOptimizerState,
} from '../../src/engine/server-optimizer.js';
import { CocogenError } from '../../src/core/errors.js';
import { Random } from '../../src/util/random.js';
import { engineCache, type ExtraEngineOptions } from '../support/engine-cache.js';
import { expectClose } from '../support/expect-close.js';
import type { WebGpuBackend } from '../../src/engine/webgpu-backend.js';
import { seeded } from '../support/xorshift.js';

type KindName = 'FedAvgM' | 'FedAdam' | 'FedYogi';
type Backend = 'js' | 'native' | 'webgpu';

export interface ServerOptimizerCase {
  name: string;
  kind: KindName;
  length: number;
  rounds: number;
  options: { eta: number; beta1: number; beta2: number; tau: number };
  /** The pseudo-gradient of each round. */
  delta(round: number): Float32Array;
  /** Extra engine options (a tiny WebGPU chunk splits the state into many buffers); cases sharing them share an engine. */
  engine?: ExtraEngineOptions;
  /** Compare readState() with the reference after every round, not only after the last. */
  readEveryRound?: boolean;
}

function normal(seed: number, length: number, sd = 1): Float32Array {
  return new Random(seed).fillNormal(new Float32Array(length), 0, sd);
}

const PARAMS = { eta: 0.05, beta1: 0.9, beta2: 0.99, tau: 1e-3 };
/** 64 floats per chunk on WebGPU: the state of P = 4099 lives in 65 buffers of m (and of v), the last one partial. */
const TINY_CHUNK = { maxChunkBytes: 256 };

export const serverOptimizerCases: ServerOptimizerCase[] = [];
for (const kind of ['FedAvgM', 'FedAdam', 'FedYogi'] as const) {
  for (const length of [0, 1, 7, 8, 1037, 65536 + 5]) {
    serverOptimizerCases.push({
      name: `${kind}, P = ${length}, 3 rounds`,
      kind,
      length,
      rounds: 3,
      options: PARAMS,
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
  serverOptimizerCases.push({
    name: `${kind}, P = 1037, 5 rounds, the state read back after each`,
    kind,
    length: 1037,
    rounds: 5,
    options: PARAMS,
    delta: (round) => normal(700 + round, 1037, 0.01),
    readEveryRound: true,
  });
  serverOptimizerCases.push({
    name: `${kind}, P = 4099 in 256-byte chunks (65 state buffers on webgpu), 5 rounds, read after each`,
    kind,
    length: 4099,
    rounds: 5,
    options: PARAMS,
    delta: (round) => normal(900 + round, 4099, 0.01),
    engine: TINY_CHUNK,
    readEveryRound: true,
  });
}

const CLASSES = { FedAvgM, FedAdam, FedYogi };
const KINDS = { FedAvgM: 0, FedAdam: 1, FedYogi: 2 } as const;

/**
 * WebGPU tolerance. x: |x_gpu − x_ref| ≤ STEP_RTOL·Σ_rounds |step| + rounds·2^-23·|x_ref| (the step is off by a few
 * f32 ULP of itself through sqrt and division, which can flip the rounding of x + step by one ULP of x per round).
 * m and v: rtol STATE_RTOL (their own operations are exact-order f32 multiplies and adds; allowing a compiler's
 * fused multiply-add contraction). They never depend on x, so the error does not compound across rounds.
 */
const STEP_RTOL = 1e-5;
const STATE_RTOL = 1e-6;

/** The reference trajectory: x, m, v stepped by serverOptimizerStepReference, and Σ|x step| per element. */
class Reference {
  readonly x: Float32Array;
  readonly m: Float32Array;
  readonly v: Float32Array | null;
  readonly stepSum: Float64Array;
  rounds = 0;

  constructor(
    readonly kind: KindName,
    x0: Float32Array,
    readonly params: ServerOptimizerCase['options'],
    state?: { m: Float32Array; v?: Float32Array },
  ) {
    this.x = Float32Array.from(x0);
    this.m = state ? Float32Array.from(state.m) : new Float32Array(x0.length);
    this.v = kind === 'FedAvgM' ? null : state?.v ? Float32Array.from(state.v) : new Float32Array(x0.length);
    this.stepSum = new Float64Array(x0.length);
  }

  step(delta: Float32Array): void {
    const before = Float32Array.from(this.x);
    serverOptimizerStepReference(KINDS[this.kind], this.x, delta, this.m, this.v, this.params);
    for (let i = 0; i < this.x.length; i++) this.stepSum[i]! += Math.abs(this.x[i]! - before[i]!);
    this.rounds++;
  }
}

function expectBitExact(actual: Float32Array, expected: Float32Array, what: string): void {
  expect(actual.length, `${what} length`).toBe(expected.length);
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const e = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  for (let i = 0; i < e.length; i++) {
    if (a[i] !== e[i]) throw new Error(`${what}[${i}]: expected ${expected[i]} but received ${actual[i]}`);
  }
}

/** Worst |x − x_ref| / Σ|step| over the table (WebGPU), reported at the end. */
let worstStepRelative = 0;

/** x and the state against the reference: bit for bit on js and native, within the WebGPU tolerance there. */
function expectAsReference(
  backend: Backend,
  x: Float32Array,
  state: ServerOptimizerState,
  ref: Reference,
  rounds = ref.rounds,
): void {
  if (ref.v === null) expect(state.v).toBeUndefined();
  else expect(state.v).toBeInstanceOf(Float32Array);
  if (backend !== 'webgpu') {
    expectBitExact(x, ref.x, 'x');
    expectBitExact(state.m, ref.m, 'm');
    if (ref.v) expectBitExact(state.v!, ref.v, 'v');
    return;
  }
  for (let i = 0; i < x.length; i++) {
    const diff = Math.abs(x[i]! - ref.x[i]!);
    if (diff > 0 && ref.stepSum[i]! > 0) worstStepRelative = Math.max(worstStepRelative, diff / ref.stepSum[i]!);
  }
  expectClose(x, ref.x, { rtol: rounds * 2 ** -23, atol: Array.from(ref.stepSum, (s) => STEP_RTOL * s) });
  expectClose(state.m, ref.m, { rtol: STATE_RTOL });
  if (ref.v) expectClose(state.v!, ref.v, { rtol: STATE_RTOL });
}

async function expectCode(promise: Promise<unknown> | (() => unknown), code: string, message: RegExp): Promise<void> {
  let caught: unknown;
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected ${code} matching ${message}`).toBeInstanceOf(CocogenError);
  expect((caught as CocogenError).code).toBe(code);
  expect((caught as CocogenError).message).toMatch(message);
}

/**
 * The table on one backend: every optimizer built with `{ engine }` on engines from `open` (`open({})` for the
 * default; each case's extra options get their own engine, shared with the cases that ask for the same).
 */
export function runServerOptimizerTable(backend: Backend, open: (extra: ExtraEngineOptions) => Promise<Engine>): void {
  describe(`server optimizer shared table on ${backend}`, () => {
    const engines = engineCache(open);
    afterAll(() => {
      if (backend === 'webgpu') {
        console.log(`server optimizer webgpu: worst |x − x_ref| / Σ|step| = ${worstStepRelative.toExponential(3)}`);
      }
    });

    for (const c of serverOptimizerCases) {
      it(`${c.name}: ${backend === 'webgpu' ? 'within tolerance of' : 'equals'} the reference`, async () => {
        const engine = await engines.get(c.engine);
        const opt = new CLASSES[c.kind]({ length: c.length, engine, ...c.options });
        try {
          expect(opt.backend).toBe(backend);
          const x = normal(c.length + 3, c.length);
          const ref = new Reference(c.kind, x, c.options);
          for (let r = 0; r < c.rounds; r++) {
            const delta = c.delta(r);
            ref.step(delta);
            await opt.step(x, delta);
            if (c.readEveryRound || r === c.rounds - 1) expectAsReference(backend, x, await opt.readState(), ref);
          }
          expect(opt.steps).toBe(c.rounds);
        } finally {
          opt.dispose();
        }
      });
    }

    for (const kind of ['FedAvgM', 'FedAdam', 'FedYogi'] as const) {
      it(`${kind}: continues from a state the js reference wrote, and hands its own to the js reference`, async () => {
        const engine = await engines.get(TINY_CHUNK);
        const length = 4099;
        const deltas = Array.from({ length: 5 }, (_, r) => normal(300 + r, length, 0.01));
        const x0 = normal(17, length);
        const ref = new Reference(kind, x0, PARAMS);
        for (const d of deltas) ref.step(d);
        const options = { length, ...PARAMS };

        // js for 2 steps → this backend for 3.
        const js = new CLASSES[kind]({ ...options, backend: 'js' });
        const here = new CLASSES[kind]({ ...options, engine });
        try {
          const x = Float32Array.from(x0);
          for (const d of deltas.slice(0, 2)) await js.step(x, d);
          await here.writeState(await js.readState());
          expect(here.steps).toBe(2);
          for (const d of deltas.slice(2)) await here.step(x, d);
          expect(here.steps).toBe(5);
          expectAsReference(backend, x, await here.readState(), ref);
        } finally {
          js.dispose();
          here.dispose();
        }

        // this backend for 2 steps → js for 3.
        const first = new CLASSES[kind]({ ...options, engine });
        const then = new CLASSES[kind]({ ...options, backend: 'js' });
        try {
          const x = Float32Array.from(x0);
          for (const d of deltas.slice(0, 2)) await first.step(x, d);
          const saved = await first.readState();
          expect(saved.steps).toBe(2);
          await then.writeState(saved);
          for (const d of deltas.slice(2)) await then.step(x, d);
          expectAsReference(backend, x, await then.readState(), ref);
        } finally {
          first.dispose();
          then.dispose();
        }
      });
    }

    it('steps from a written non-zero state, chunked, as the reference does', async () => {
      const engine = await engines.get(TINY_CHUNK);
      const length = 4099;
      for (const kind of ['FedAvgM', 'FedAdam', 'FedYogi'] as const) {
        const m = normal(41, length, 0.05);
        const v = kind === 'FedAvgM' ? undefined : normal(42, length, 0.1).map((e) => e * e);
        const x = normal(43, length);
        const ref = new Reference(kind, x, PARAMS, v ? { m, v } : { m });
        const opt = new CLASSES[kind]({ length, engine, ...PARAMS });
        try {
          await opt.writeState(v ? { m, v } : { m });
          const delta = normal(44, length, 0.01);
          ref.step(delta);
          await opt.step(x, delta);
          expectAsReference(backend, x, await opt.readState(), ref);
        } finally {
          opt.dispose();
        }
      }
    });

    it('restores a checkpoint exactly: the same steps from it give the same bits', async () => {
      const engine = await engines.get();
      const length = 1037;
      const opt = new FedYogi({ length, engine, ...PARAMS });
      try {
        const x = normal(51, length);
        for (let r = 0; r < 2; r++) await opt.step(x, normal(52 + r, length, 0.01));
        const checkpoint = await opt.readState();
        const xSaved = Float32Array.from(x);
        const later = [normal(60, length, 0.01), normal(61, length, 0.01)];
        for (const d of later) await opt.step(x, d);
        const first = { x: Float32Array.from(x), state: await opt.readState() };
        await opt.writeState(checkpoint);
        expect(opt.steps).toBe(2);
        x.set(xSaved);
        for (const d of later) await opt.step(x, d);
        const again = await opt.readState();
        expectBitExact(x, first.x, 'x');
        expectBitExact(again.m, first.state.m, 'm');
        expectBitExact(again.v!, first.state.v!, 'v');
        expect(again.steps).toBe(4);
      } finally {
        opt.dispose();
      }
    });

    it('rejects a bad state with INVALID_ARGUMENT naming the field, and keeps its own', async () => {
      const engine = await engines.get();
      const avgm = new FedAvgM({ length: 8, engine });
      const adam = new FedAdam({ length: 8, engine });
      try {
        const m = Float32Array.from({ length: 8 }, (_, i) => i);
        const v = new Float32Array(8).fill(0.5);
        const bad: Array<[FedAvgM | FedAdam, unknown, RegExp]> = [
          [adam, null, /for state but/],
          [adam, 'm', /for state but/],
          [adam, { v }, /Float32Array of length 8 for state\.m but received undefined/],
          [adam, { m: new Float32Array(7), v }, /for state\.m but received a Float32Array of length 7/],
          [adam, { m: new Float64Array(8), v }, /for state\.m but received a Float64Array/],
          [adam, { m }, /state\.v .*received undefined/],
          [adam, { m, v: new Float32Array(9) }, /state\.v .*length 9/],
          [
            adam,
            { m, v: Float32Array.of(1, 1, 1, -1, 1, 1, 1, 1) },
            /entries ≥ 0 for state\.v but received -1 at index 3/,
          ],
          [adam, { m, v: Float32Array.of(1, 1, NaN, 1, 1, 1, 1, 1) }, /state\.v but received NaN at index 2/],
          [adam, { m, v, steps: -1 }, /for state\.steps but received -1/],
          [adam, { m, v, steps: 1.5 }, /for state\.steps/],
          [avgm, { m, v }, /FedAvgM keeps no second moment\) for state\.v/],
          [avgm, { m: [0, 1, 2, 3, 4, 5, 6, 7] }, /for state\.m but received an array of length 8/],
        ];
        await adam.writeState({ m, v, steps: 3 });
        await avgm.writeState({ m });
        for (const [opt, state, message] of bad) {
          await expectCode(opt.writeState(state as ServerOptimizerState), 'INVALID_ARGUMENT', message);
        }
        const kept = await adam.readState();
        expectBitExact(kept.m, m, 'm');
        expectBitExact(kept.v!, v, 'v');
        expect(kept.steps).toBe(3);
        expectBitExact((await avgm.readState()).m, m, 'm');
      } finally {
        avgm.dispose();
        adam.dispose();
      }
    });

    it('throws DISPOSED after dispose(), which is idempotent', async () => {
      const engine = await engines.get();
      const opt = new FedAdam({ length: 4, engine });
      await opt.step(new Float32Array(4), Float32Array.of(1, 2, 3, 4));
      opt.dispose();
      opt.dispose();
      expect(opt.disposed).toBe(true);
      await expectCode(
        opt.step(new Float32Array(4), new Float32Array(4)),
        'DISPOSED',
        /FedAdam\.step\(\) after dispose/,
      );
      await expectCode(opt.readState(), 'DISPOSED', /readState\(\) after dispose/);
      await expectCode(opt.writeState({ m: new Float32Array(4), v: new Float32Array(4) }), 'DISPOSED', /dispose/);
      await expectCode(() => opt.momentum, 'DISPOSED', /momentum\(\) after dispose/);
      // The engine is the caller's: still usable.
      expect(engine.disposed).toBe(false);
      const other = new FedAdam({ length: 4, engine });
      await other.step(new Float32Array(4), Float32Array.of(1, 2, 3, 4));
      other.dispose();
    });

    it('throws DISPOSED once the engine is disposed, and dispose() still works', async () => {
      const engine = await open({});
      const opt = new FedYogi({ length: 100, engine });
      await opt.step(new Float32Array(100), new Float32Array(100).fill(0.1));
      engine.dispose();
      await expectCode(opt.step(new Float32Array(100), new Float32Array(100)), 'DISPOSED', /engine was disposed/);
      await expectCode(opt.readState(), 'DISPOSED', /engine was disposed/);
      await expectCode(opt.writeState({ m: new Float32Array(100), v: new Float32Array(100) }), 'DISPOSED', /engine/);
      opt.dispose();
      expect(() => new FedAdam({ length: 4, engine })).toThrow(/disposed engine/);
    });

    it('runs on the engine it is given, and checks the engine and backend options', async () => {
      const engine = await engines.get();
      const opt = new FedAvgM({ length: 3, engine, backend });
      expect(opt.backend).toBe(engine.backend);
      opt.dispose();
      const other = backend === 'js' ? 'webgpu' : 'js';
      await expectCode(
        () => new FedAvgM({ length: 3, engine, backend: other }),
        'INVALID_ARGUMENT',
        new RegExp(`'${backend}' \\(the engine's backend\\) for options\\.backend but received "${other}"`),
      );
      await expectCode(
        () => new FedAvgM({ length: 3, engine: {} as Engine }),
        'INVALID_ARGUMENT',
        /an Engine from createEngine\(\) for options\.engine but received an object/,
      );
    });

    it(
      backend === 'webgpu'
        ? 'momentum says to use readState() (m lives in GPU memory)'
        : 'momentum is a live view of m, equal to readState().m',
      async () => {
        const engine = await engines.get();
        const opt = new FedAdam({ length: 4, engine });
        try {
          await opt.step(new Float32Array(4), Float32Array.of(1, 2, 3, 4));
          const { m } = await opt.readState();
          if (backend === 'webgpu') {
            await expectCode(() => opt.momentum, 'INVALID_ARGUMENT', /GPU memory.*readState\(\)/);
            return;
          }
          const live = opt.momentum;
          expectBitExact(live, m, 'm');
          await opt.step(new Float32Array(4), Float32Array.of(1, 2, 3, 4));
          expectBitExact(live, (await opt.readState()).m, 'm after a second step');
        } finally {
          opt.dispose();
        }
      },
    );

    it('rejects a second call while a step is in flight', async () => {
      if (backend === 'js') return; // js steps synchronously: nothing is ever in flight
      const engine = await engines.get();
      const opt = new FedAdam({ length: 1000, engine });
      try {
        const first = opt.step(new Float32Array(1000), new Float32Array(1000));
        await expectCode(opt.readState(), 'INVALID_ARGUMENT', /one call at a time.*readState\(\)/);
        await first;
      } finally {
        opt.dispose();
      }
    });

    it('cleans up', async () => {
      await engines.disposeAll();
    });
  });
}

/**
 * What is WebGPU's own, run after the table on a WebGPU engine: m and v resident in the device's buffers for the
 * optimizer's life (counted by the buffer pool, freed by dispose), and a device the optimizer opens itself without an
 * engine.
 */
export function runServerOptimizerWebGpuChecks(open: (extra: ExtraEngineOptions) => Promise<Engine>): void {
  describe('server optimizer state resident on webgpu', () => {
    it('holds m and v in pool buffers across steps and reads, chunked or not, and frees them on dispose', async () => {
      for (const extra of [{}, { maxChunkBytes: 256 }]) {
        const engine = await open(extra);
        const gpu = engineBackend(engine) as WebGpuBackend;
        try {
          const base = gpu.poolStats().bytesInUse;
          for (const [Ctor, stateBytes] of [
            [FedAdam, 8000],
            [FedYogi, 8000],
            [FedAvgM, 4000 + 4], // m, and the 4-byte placeholder bound as v
          ] as const) {
            const opt = new Ctor({ length: 1000, engine });
            const x = seeded(1, 1000);
            for (let r = 0; r < 3; r++) {
              await opt.step(x, seeded(2 + r, 1000, -0.01, 0.01));
              // Between calls only the state is held: the step's x, Δ, params and readback went back to the pool.
              expect(gpu.poolStats().bytesInUse - base).toBe(stateBytes);
            }
            await opt.readState();
            expect(gpu.poolStats().bytesInUse - base).toBe(stateBytes);
            opt.dispose();
            expect(gpu.poolStats().bytesInUse).toBe(base);
          }
        } finally {
          engine.dispose();
        }
      }
    });

    it('opens and closes a device of its own without an engine', async () => {
      const params = { eta: 0.05, beta1: 0.9, beta2: 0.99, tau: 1e-3 };
      const opt = new FedYogi({ length: 1037, backend: 'webgpu', ...params });
      expect(() => opt.momentum).toThrow(/readState/);
      const x = seeded(3, 1037);
      const rx = Float32Array.from(x);
      const rm = new Float32Array(1037);
      const rv = new Float32Array(1037);
      for (let r = 0; r < 3; r++) {
        const delta = seeded(10 + r, 1037, -0.01, 0.01);
        serverOptimizerStepReference(2, rx, delta, rm, rv, params);
        await opt.step(x, delta);
      }
      const { m, v } = await opt.readState();
      expectClose(x, rx, { rtol: 3 * 2 ** -23, atol: 1e-5 * 3 * 0.05 });
      expectClose(m, rm, { rtol: 1e-6 });
      expectClose(v!, rv, { rtol: 1e-6 });
      opt.dispose();
      await expect(opt.readState()).rejects.toThrow(/after dispose/);
    });
  });
}
