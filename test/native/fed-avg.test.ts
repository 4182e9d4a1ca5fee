/** fedAvg: out[i] = Σ_k w_k·u_k[i] in float64, against a float64 JS loop, plus the argument checks of the export. */
import { afterEach, describe, expect, it } from 'vitest';
import { expectClose } from '../support/expect-close.js';
import { addon, expectCocogenError, native, runInChild, seeded } from './native-addon.js';

/** The float64 reference: Σ_k w_k·u_k[i], one rounding to float32 at the end. */
function fedAvgReference(updates: Float32Array[], weights: Float64Array, length: number): Float32Array {
  const acc = new Float64Array(length);
  updates.forEach((u, k) => {
    for (let i = 0; i < length; i++) acc[i]! += weights[k]! * u[i]!;
  });
  return Float32Array.from(acc);
}

function makeCase(seed: number, k: number, p: number): { updates: Float32Array[]; weights: Float64Array } {
  const updates = Array.from({ length: k }, (_, j) => seeded(seed * 7919 + j, p));
  const weights = Float64Array.from(seeded(seed + 1, k, 0.1, 1), (w) => w / k);
  return { updates, weights };
}

describe.skipIf(!addon)('native fedAvg', () => {
  const threads = addon?.buildInfo().threads ?? 1;
  afterEach(() => native().setThreads(threads));

  for (const [k, p] of [
    [1, 1],
    [1, 17],
    [3, 1037],
    [5, 4096 + 3],
    [64, 2048 * 3 + 5],
    // Eight, four and one update per pass (13 = 8 + 4 + 1), across accumulator blocks of 4096 and a tail of 15.
    [13, 2 * 4096 + 16 + 15],
  ] as const) {
    it(`matches the float64 reference for K = ${k}, P = ${p}`, async () => {
      const { updates, weights } = makeCase(k * 1000 + p, k, p);
      const out = new Float32Array(p);
      await expect(native().fedAvg(updates, weights, out)).resolves.toBe(false);
      expectClose(out, fedAvgReference(updates, weights, p), { rtol: 1e-6 });
    });
  }

  it('accumulates in float64: K = 1000, P = 4099 within 1e-6 relative', async () => {
    const k = 1000;
    const p = 4099;
    // Positive values: no cancellation, so 1e-6 relative is a statement about accumulation error alone (a float32
    // accumulator drifts by ~K·2^-24 ≈ 6e-5 here).
    const updates = Array.from({ length: k }, (_, j) => seeded(j + 1, p, 0.5, 1.5));
    const weights = Float64Array.from(seeded(99, k, 0, 1), (w) => w / k);
    const out = new Float32Array(p);
    await native().fedAvg(updates, weights, out);
    expectClose(out, fedAvgReference(updates, weights, p), { rtol: 1e-6 });
  });

  it('reads and writes unaligned views (byteOffset not a multiple of 64)', async () => {
    const k = 6;
    const p = 1037;
    const { updates, weights } = makeCase(5, k, p);
    const shifted = updates.map((u, j) => {
      const view = new Float32Array(new ArrayBuffer((p + 8) * 4), 4 * (1 + (j % 7)), p);
      view.set(u);
      return view;
    });
    const out = new Float32Array(new ArrayBuffer((p + 3) * 4), 12, p);
    await native().fedAvg(shifted, weights, out);
    expectClose(out, fedAvgReference(updates, weights, p), { rtol: 1e-6 });
  });

  it('takes native buffer views, and writes out in place over one of the updates', async () => {
    const p = 3001;
    const handles = [native().allocFloat32(p), native().allocFloat32(p)];
    try {
      const [a, b] = handles.map((h) => native().viewFloat32(h)) as [Float32Array, Float32Array];
      a.set(seeded(1, p));
      b.set(seeded(2, p));
      const weights = new Float64Array([0.25, 0.75]);
      const expected = fedAvgReference([a.slice(), b.slice()], weights, p);
      await native().fedAvg([a, b], weights, a);
      expectClose(a, expected, { rtol: 1e-6 });
    } finally {
      handles.forEach((h) => native().freeBuffer(h));
    }
  });

  it('propagates NaN and infinities as IEEE arithmetic does', async () => {
    const u = new Float32Array([1, Number.NaN, Infinity, Infinity, -Infinity, 2]);
    const v = new Float32Array([1, 1, 1, -Infinity, -Infinity, 3]);
    const out = new Float32Array(6);
    await expect(native().fedAvg([u, v], new Float64Array([0.5, 0.5]), out)).resolves.toBe(true);
    expect(Array.from(out)).toEqual([1, Number.NaN, Infinity, Number.NaN, -Infinity, 2.5]);
    await expect(native().fedAvg([u], new Float64Array([Number.NaN]), out)).resolves.toBe(true);
    expect(out.every(Number.isNaN)).toBe(true);
  });

  it('writes zeros for K = 0 and does nothing for P = 0', async () => {
    const out = new Float32Array(5).fill(9);
    await expect(native().fedAvg([], new Float64Array(0), out)).resolves.toBe(false);
    expect(Array.from(out)).toEqual([0, 0, 0, 0, 0]);
    await expect(native().fedAvg([new Float32Array(0)], new Float64Array([1]), new Float32Array(0))).resolves.toBe(
      false,
    );
  });

  it('gives the same bits with 1 and with 2 threads, and with several calls in flight', async () => {
    const k = 7;
    const p = 100_003;
    const { updates, weights } = makeCase(11, k, p);
    native().setThreads(1);
    const one = new Float32Array(p);
    await native().fedAvg(updates, weights, one);
    native().setThreads(2);
    const outs = [new Float32Array(p), new Float32Array(p), new Float32Array(p)];
    await Promise.all(outs.map((out) => native().fedAvg(updates, weights, out)));
    for (const out of outs) expect(Buffer.from(out.buffer).equals(Buffer.from(one.buffer))).toBe(true);
  });

  it('keeps its arguments alive until it settles (child process, --expose-gc)', () => {
    const result = runInChild(`
      const p = 1 << 22, k = 8;
      let finalized = 0, settled = false, collections = 0, finalizedBeforeSettle = 0;
      const registry = new FinalizationRegistry(() => { finalized++; });
      // Nothing but the addon references the arguments once this function returns.
      const pending = (() => {
        const out = new Float32Array(p);
        const updates = Array.from({ length: k }, () => new Float32Array(p).fill(1));
        [out, ...updates].forEach((a) => registry.register(a, 0));
        return addon.fedAvg(updates, new Float64Array(k).fill(1), out);
      })();
      pending.then(() => { settled = true; });
      while (!settled) {
        globalThis.gc();
        collections++;
        await settle();
        if (!settled) finalizedBeforeSettle = finalized;
      }
      for (let i = 0; i < 20 && finalized < k + 1; i++) { globalThis.gc(); await settle(); }
      console.log(JSON.stringify({ collections, finalizedBeforeSettle, finalizedAfter: finalized }));
    `) as { collections: number; finalizedBeforeSettle: number; finalizedAfter: number };
    expect(result.collections).toBeGreaterThan(0);
    expect(result.finalizedBeforeSettle).toBe(0);
    expect(result.finalizedAfter).toBe(9); // and released afterwards
  });

  it('runs the portable scalar kernel when COCOGEN_NATIVE_ISA=scalar (child process)', () => {
    const result = runInChild(
      `
      const k = 9, p = 1037, updates = [], weights = new Float64Array(k);
      for (let j = 0; j < k; j++) {
        updates.push(Float32Array.from({ length: p }, (_, i) => Math.sin(i * 0.37 + j)));
        weights[j] = (j + 1) / 45;
      }
      const out = new Float32Array(p);
      await addon.fedAvg(updates, weights, out);
      let worst = 0;
      for (let i = 0; i < p; i++) {
        let acc = 0;
        for (let j = 0; j < k; j++) acc += weights[j] * updates[j][i];
        worst = Math.max(worst, Math.abs(out[i] - acc) / Math.max(Math.abs(acc), 1e-3));
      }
      console.log(JSON.stringify({ simd: addon.buildInfo().simd, worst }));
    `,
      { COCOGEN_NATIVE_ISA: 'scalar' },
    ) as { simd: string[]; worst: number };
    expect(result.simd).toEqual(['scalar']);
    expect(result.worst).toBeLessThan(1e-6);
  });

  // The flag every thread ORs from the values it stores, on each instruction set the host runs: a NaN or ±Infinity
  // input, or an overflow of float32 from finite inputs, at positions in the vector body, at accumulator-block (4096)
  // and thread-chunk boundaries and in the last, partial vector (P = 2·8192 + 4·9 + 3: not a multiple of 4, 8 or 16).
  const FLAG_PROBE = `
    const k = 5, p = 2 * 8192 + 4 * 9 + 3;
    const updates = [];
    for (let j = 0; j < k; j++) updates.push(Float32Array.from({ length: p }, (_, i) => Math.sin(i * 0.37 + j)));
    const average = new Float64Array(k).fill(1 / k);
    const sum = new Float64Array(k).fill(1); // finite inputs of 3e38 sum to 1.5e39: beyond the float32 range
    const positions = new Set([0, 1, 2, 3, 4, 7, 8, 15, 16, 4095, 4096, 4097, 8191, 8192, 8193, p - 17, p - 16, p - 9, p - 8, p - 5, p - 4, p - 3, p - 2, p - 1]);
    for (let i = 0; i < p; i += 97) positions.add(i);
    for (const threads of [3, 8]) {
      const chunk = Math.ceil(p / threads / 16) * 16;
      for (let t = 1; t < threads; t++) [-1, 0, 1].forEach((d) => positions.add(t * chunk + d));
    }
    const kinds = [
      ['NaN', () => { updates[3][at] = NaN; }, average],
      ['Infinity', () => { updates[0][at] = Infinity; }, average],
      ['-Infinity', () => { updates[4][at] = -Infinity; }, average],
      ['overflow', () => { for (const u of updates) u[at] = 3e38; }, sum],
      ['-overflow', () => { for (const u of updates) u[at] = -3e38; }, sum],
    ];
    let at = 0;
    const out = new Float32Array(p);
    const report = { simd: addon.buildInfo().simd, finiteFlags: [], misses: [], unwritten: [] };
    for (const threads of [1, 2, 3, 8]) {
      addon.setThreads(threads);
      report.finiteFlags.push(await addon.fedAvg(updates, average, out), await addon.fedAvg(updates, sum, out));
      for (const [kind, poison, weights] of kinds) {
        for (at of positions) {
          const saved = updates.map((u) => u[at]);
          poison();
          const flag = await addon.fedAvg(updates, weights, out);
          if (flag !== true) report.misses.push(kind + ' at ' + at + ' on ' + threads + ' threads');
          if (Number.isFinite(out[at])) report.unwritten.push(kind + ' at ' + at);
          updates.forEach((u, j) => { u[at] = saved[j]; });
        }
      }
    }
    console.log(JSON.stringify(report));
  `;

  for (const isa of ['scalar', 'avx2', undefined]) {
    it(`resolves to whether out holds a NaN or ±Infinity, on ${isa ?? 'the detected ISA'} and 1 to 8 threads`, () => {
      const report = runInChild(FLAG_PROBE, isa ? { COCOGEN_NATIVE_ISA: isa } : {}) as {
        simd: string[];
        finiteFlags: boolean[];
        misses: string[];
        unwritten: string[];
      };
      if (isa === 'scalar') expect(report.simd).toEqual(['scalar']);
      expect(report.finiteFlags).toEqual(new Array(8).fill(false));
      expect(report.unwritten).toEqual([]);
      expect(report.misses).toEqual([]);
    });
  }

  describe('argument checks (a direct call never crashes the process)', () => {
    const f32 = (n: number) => new Float32Array(n);
    const cases: [string, () => Promise<unknown>, RegExp][] = [
      [
        'updates not an array',
        () => native().fedAvg(f32(3) as never, new Float64Array(1), f32(3)),
        /^Expected an array for updates but received a Float32Array of length 3$/,
      ],
      [
        'an update not a Float32Array',
        () => native().fedAvg([f32(3), f32(3), f32(3), new Float64Array(3) as never], new Float64Array(4), f32(3)),
        /^Expected a Float32Array for updates\[3\] but received a Float64Array of length 3$/,
      ],
      [
        'a hole in updates',
        () => native().fedAvg([f32(2), , f32(2)] as never, new Float64Array(3), f32(2)),
        /for updates\[1\] but received undefined$/,
      ],
      [
        'weights not a Float64Array',
        () => native().fedAvg([f32(3)], [1] as never, f32(3)),
        /^Expected a Float64Array for weights but received an array of length 1$/,
      ],
      [
        'weights of the wrong length',
        () => native().fedAvg([f32(3)], new Float64Array(2), f32(3)),
        /^Expected a Float64Array of length 1 \(one weight per update\) for weights/,
      ],
      [
        'out not a Float32Array',
        () => native().fedAvg([f32(3)], new Float64Array(1), null as never),
        /^Expected a Float32Array for out but received null$/,
      ],
      [
        'an update of the wrong length',
        () => native().fedAvg([f32(3), f32(4)], new Float64Array(2), f32(3)),
        /^Expected a Float32Array of length 3 \(the length of out\) for updates\[1\] but received a Float32Array of length 4$/,
      ],
      [
        'out partially overlapping an update',
        () => {
          const buffer = new ArrayBuffer(64);
          return native().fedAvg([new Float32Array(buffer, 0, 8)], new Float64Array(1), new Float32Array(buffer, 4, 8));
        },
        /partially overlaps/,
      ],
      [
        'no arguments',
        () => (native().fedAvg as unknown as () => Promise<boolean>)(),
        /for updates but received undefined$/,
      ],
    ];
    for (const [name, call, message] of cases) {
      it(`throws INVALID_ARGUMENT for ${name}`, async () => {
        await expectCocogenError(call, 'INVALID_ARGUMENT', message);
      });
    }
  });
});
