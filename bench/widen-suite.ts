/**
 * Widening to float32 (what a tensor file's F16 / BF16 / F64 data goes through on load): the native kernel
 * (native/kernels/widen.cc: F16C / AVX2, split over the pool) beside the plain-TS reference loops and numpy's
 * conversion into a preallocated array, per dtype, in GB/s counted as the source bytes read plus the float32 bytes
 * written, with the triad probe and the read probe over n floats (the size of the output: the same level of the memory
 * hierarchy) for scale. Inputs are random bit patterns (every value class), built outside the timed region; `out` is
 * reused, so page faults stay out of it too.
 */
import { loadAddon } from '../bindings/addon.js';
import { widenToFloat32, type WidenDtype } from '../src/interop/widen.js';
import {
  bandwidthTable,
  ratios,
  readCase,
  runCases,
  pythonTimingResult,
  runPythonBaseline,
  triadCase,
  withVariant,
  type BenchCase,
  type BenchResult,
} from './harness.js';
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

const sizeOf = (r: BenchResult) => r.name.slice(r.name.lastIndexOf(':') + 1);

export const widenSuite: Suite = {
  name: 'widen',
  help: `widen [--n 67108864,1048576] [--offset 0] [--dtypes F16,BF16,F64] [--quick]
    F16 / BF16 → float32 and F64 → float32 per dtype: native (all threads and one thread) vs the TS loops and numpy
    (np.copyto into a float32 array; BF16 as uint16 bits shifted left), in GB/s (source read + float32 written),
    beside the triad probe and the read probe over n floats, for each n (the second one in cache); the summary gives
    native / numpy, native / read probe and in-cache / DRAM. --offset starts the source that many bytes into its
    buffer. Native rows name the kernel variant.`,
  options: {
    n: { type: 'string', default: `${64 * 1024 * 1024},${1024 * 1024}` },
    offset: { type: 'string', default: '0' },
    dtypes: { type: 'string', default: 'F16,BF16,F64' },
    quick: { type: 'boolean', default: false },
  },
  async run(values, log) {
    const sizes = String(values.n).split(',').map(Number);
    const offset = Number(values.offset);
    const dtypes = String(values.dtypes).split(',') as WidenDtype[];
    const addon = loadAddon();
    const options = values.quick ? { maxTime: 1, minSamples: 2 } : { maxTime: 4, minSamples: 5 };
    const threads = addon.ok ? addon.addon.buildInfo().threads : 1;
    const results: BenchResult[] = [];
    if (addon.ok) results.push(...(await runCases([triadCase(addon.addon, 16 * 1024 * 1024)], options, log)));
    for (const n of sizes) {
      if (addon.ok) results.push(...(await runCases([readCase(addon.addon, n)], options, log)));
      const out = new Float32Array(n);
      for (const [d, dtype] of dtypes.entries()) {
        // One source at a time: F64 at 64M elements is 512 MiB.
        const src = randomBytes(offset + n * BYTES[dtype], 17 + d).subarray(offset);
        const bytes = src.byteLength + out.byteLength;
        const cases: BenchCase[] = [];
        if (addon.ok) {
          const label = withVariant(`widen-${dtype}::native`, addon.addon, `widen${dtype}`);
          const native = async () => void widenToFloat32(src, dtype, { out, implementation: 'native' });
          cases.push({ name: `${label}:n=${n}`, bytes, run: native });
          cases.push({
            name: `${label.replace('::native', '::native(1 thread)')}:n=${n}`,
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
      const numpy = runPythonBaseline<{ dtype: string; best: number; mean: number; median: number; samples: number }>(
        'numpy_widen.py',
        [n, values.quick ? 2 : 5, values.quick ? 0.2 : 2, dtypes.join(',')],
      );
      if ('skipped' in numpy) log(`  numpy skipped: ${numpy.skipped}`);
      else {
        for (const o of numpy) {
          const bytes = n * (BYTES[o.dtype as WidenDtype] + 4);
          const row = pythonTimingResult(`widen-${o.dtype}::numpy:n=${n}`, bytes, o);
          results.push(row);
          log(`  ${row.name}: ${row.medianMs!.toFixed(3)} ms median`);
        }
      }
    }
    const readFor = (r: BenchResult) =>
      results.find((x) => x.name.startsWith('read::') && x.name.endsWith(`:${sizeOf(r)}`));
    const summary: Record<string, number> = {};
    const nativeAt = (dtype: string, n: number) =>
      results.find((r) => r.name.startsWith(`widen-${dtype}::native[`) && sizeOf(r) === `n=${n}`);
    for (const dtype of dtypes) {
      for (const n of sizes) {
        const native = nativeAt(dtype, n);
        const find = (impl: string) => results.find((r) => r.name === `widen-${dtype}::${impl}:n=${n}`);
        const read = native && readFor(native);
        const numpy = find('numpy');
        const js = find('js');
        if (native && numpy) ratios(summary, `widen-${dtype}: native / numpy:n=${n}`, native, numpy);
        if (native && read) ratios(summary, `widen-${dtype}: native / read probe:n=${n}`, native, read);
        if (native && js) ratios(summary, `widen-${dtype}: native / js:n=${n}`, native, js);
      }
      const small = nativeAt(dtype, Math.min(...sizes));
      const large = nativeAt(dtype, Math.max(...sizes));
      if (sizes.length > 1 && small && large) ratios(summary, `widen-${dtype}: native in-cache / DRAM`, small, large);
    }
    return { results, summary, table: bandwidthTable(results, readFor) };
  },
};
