/**
 * Widening to float32 (what a tensor file's F16 / BF16 / F64 data goes through on load): the native kernel
 * (native/kernels/widen.cc: F16C / AVX2, split over the pool) beside the plain-TS reference loops, per dtype, in GB/s
 * counted as the source bytes read plus the float32 bytes written, with the triad bandwidth probe for scale. Inputs are
 * random bit patterns (every value class), built outside the timed region; `out` is reused, so page faults stay out of
 * it too.
 */
import { loadAddon } from '../bindings/addon.js';
import { widenToFloat32, type WidenDtype } from '../src/interop/widen.js';
import { runCases, triadCase, triadTable, type BenchCase, type BenchResult } from './harness.js';
import type { Suite } from './suite.js';

const BYTES: Record<WidenDtype, number> = { F16: 2, BF16: 2, F64: 8 };

/** Random bytes (xorshift32, four at a time): fast enough for GiB inputs. */
function randomBytes(length: number, seed: number): Uint8Array {
  const words = new Uint32Array(Math.ceil(length / 4));
  let s = seed >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    words[i] = s;
  }
  return new Uint8Array(words.buffer, 0, length);
}

export const widenSuite: Suite = {
  name: 'widen',
  help: `widen [--n 67108864] [--offset 0] [--dtypes F16,BF16,F64] [--quick]
    F16 / BF16 → float32 and F64 → float32 per dtype: native (all threads and one thread) vs the TS loops, in GB/s
    (source read + float32 written), beside the triad probe; --offset starts the source that many bytes into its buffer.`,
  options: {
    n: { type: 'string', default: String(64 * 1024 * 1024) },
    offset: { type: 'string', default: '0' },
    dtypes: { type: 'string', default: 'F16,BF16,F64' },
    quick: { type: 'boolean', default: false },
  },
  async run(values, log) {
    const n = Number(values.n);
    const offset = Number(values.offset);
    const dtypes = String(values.dtypes).split(',') as WidenDtype[];
    const addon = loadAddon();
    const options = values.quick ? { maxTime: 1, minSamples: 2 } : { maxTime: 4, minSamples: 5 };
    const threads = addon.ok ? addon.addon.buildInfo().threads : 1;
    const results: BenchResult[] = [];
    if (addon.ok) {
      results.push(...(await runCases([triadCase(addon.addon, 16 * 1024 * 1024)], options, log)));
    }
    const out = new Float32Array(n);
    for (const [d, dtype] of dtypes.entries()) {
      // One source at a time: F64 at 64M elements is 512 MiB.
      const src = randomBytes(offset + n * BYTES[dtype], 17 + d).subarray(offset);
      const bytes = src.byteLength + out.byteLength;
      const cases: BenchCase[] = [];
      if (addon.ok) {
        const native = async () => void widenToFloat32(src, dtype, { out, implementation: 'native' });
        cases.push({ name: `widen-${dtype}::native:n=${n}`, bytes, run: native });
        cases.push({
          name: `widen-${dtype}::native(1 thread):n=${n}`,
          bytes,
          run: async () => {
            addon.addon.setThreads(1);
            try {
              await native();
            } finally {
              addon.addon.setThreads(threads);
            }
          },
        });
      }
      cases.push({
        name: `widen-${dtype}::js:n=${n}`,
        bytes,
        run: async () => void widenToFloat32(src, dtype, { out, implementation: 'js' }),
      });
      results.push(...(await runCases(cases, options, log)));
    }
    const triad = results.find((r) => r.name.startsWith('triad::'));
    const summary: Record<string, number> = {};
    for (const dtype of dtypes) {
      const native = results.find((r) => r.name === `widen-${dtype}::native:n=${n}`);
      const js = results.find((r) => r.name === `widen-${dtype}::js:n=${n}`);
      if (native?.gbPerSecond && js?.gbPerSecond)
        summary[`widen-${dtype}: native / js`] = native.gbPerSecond / js.gbPerSecond;
      if (native?.gbPerSecond && triad?.gbPerSecond) {
        summary[`widen-${dtype}: native / triad`] = native.gbPerSecond / triad.gbPerSecond;
      }
    }
    return {
      results,
      summary,
      table: triadTable(results),
    };
  },
};
