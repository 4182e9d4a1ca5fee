import { loadAddon } from '../bindings/addon.js';
import { probeGpu } from '../bindings/dawn.js';
import { createEngine, type Engine } from '../src/engine/engine.js';
import { FedAdam, FedYogi } from '../src/engine/server-optimizer.js';
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

/** Bytes one step moves: x, Δ, m, v read and x, m, v written (7 float32 streams), STREAM's convention. */
const STEP_STREAMS = 7;
/** The floats a step reads (x, Δ, m, v): the read probe beside it is sized to match, so both come from one level. */
const READ_STREAMS = 4;

const sizeOf = (r: BenchResult) => r.name.slice(r.name.lastIndexOf(':') + 1);

export const optimizerSuite: Suite = {
  name: 'optimizer',
  help: `optimizer [--p 33554432,262144] [--backends native,js,webgpu] [--quick]
    FedAdam and FedYogi server steps (native fused kernel, the plain-TS reference and WebGPU, whose m and v stay in
    GPU buffers: a step moves x and Δ up and x back) beside the triad probe, the read probe over 4·P floats (what a
    step reads) and numpy's in-place step (when python3 with numpy is present), in GB/s counted as the 7 streams the
    step reads + writes wherever they live, measured in one run for each P (the second one in cache); the summary gives
    native / numpy, native / read probe and in-cache / DRAM. Native rows name the kernel variant.`,
  options: {
    p: { type: 'string', default: `${32 * 1024 * 1024},${256 * 1024}` },
    backends: { type: 'string', default: 'native,js,webgpu' },
    quick: { type: 'boolean', default: false },
  },
  async run(values, log) {
    const sizes = String(values.p).split(',').map(Number);
    const wanted = String(values.backends).split(',');
    const addon = loadAddon();
    const gpu = wanted.includes('webgpu') ? await probeGpu() : { available: false as const };
    const timing = values.quick ? { maxTime: 1, minSamples: 2 } : { maxTime: 5, minSamples: 5 };
    const results: BenchResult[] = [];
    // One WebGPU engine for both optimizers (created outside the timed region; disposed after them).
    const engine: Engine | undefined = gpu.available ? await createEngine({ backend: 'webgpu' }) : undefined;
    try {
      for (const [index, p] of sizes.entries()) {
        const cases: BenchCase[] = [];
        const owned: { dispose(): void }[] = [];
        const x = new Float32Array(p).fill(0.5);
        const delta = new Float32Array(p).fill(1e-3);
        if (addon.ok) {
          if (index === 0) cases.push(triadCase(addon.addon, Math.max(p, 1 << 24)));
          cases.push(readCase(addon.addon, READ_STREAMS * p));
        }
        for (const [name, Ctor] of [
          ['fedadam', FedAdam],
          ['fedyogi', FedYogi],
        ] as const) {
          const backends = [
            ...(addon.ok && wanted.includes('native') ? (['native'] as const) : []),
            ...(wanted.includes('js') ? (['js'] as const) : []),
            ...(gpu.available ? (['webgpu'] as const) : []),
          ];
          for (const backend of backends) {
            if (backend === 'js' && p > 1 << 24 && !values.quick) continue; // the JS loop at 32M takes seconds per step
            const opt = new Ctor({ length: p, eta: 1e-6, ...(backend === 'webgpu' ? { engine } : { backend }) });
            owned.push(opt);
            const label =
              backend === 'native' && addon.ok
                ? withVariant(`${name}::native`, addon.addon, 'serverOptimizer')
                : `${name}::${backend}`;
            cases.push({ name: `${label}:P=${p}`, bytes: STEP_STREAMS * p * 4, run: () => opt.step(x, delta) });
          }
        }
        try {
          results.push(...(await runCases(cases, timing, log)));
        } finally {
          for (const o of owned) o.dispose();
        }
        const numpy = runPythonBaseline<{
          optimizer: string;
          best: number;
          mean: number;
          median: number;
          samples: number;
        }>('numpy_optimizer.py', [p, values.quick ? 2 : 5, values.quick ? 0.2 : 2]);
        if ('skipped' in numpy) log(`  numpy skipped: ${numpy.skipped}`);
        else {
          for (const o of numpy) {
            const bytes = STEP_STREAMS * p * 4;
            const row = pythonTimingResult(`${o.optimizer}::numpy:P=${p}`, bytes, o);
            results.push(row);
            log(`  ${row.name}: ${row.medianMs!.toFixed(3)} ms median`);
          }
        }
      }
    } finally {
      engine?.dispose();
    }
    const readFor = (r: BenchResult) => {
      const p = Number(sizeOf(r).replace('P=', ''));
      return results.find((x) => x.name.startsWith('read::') && x.name.endsWith(`:n=${READ_STREAMS * p}`));
    };
    const summary: Record<string, number> = {};
    const nativeAt = (name: string, p: number) =>
      results.find((r) => r.name.startsWith(`${name}::native`) && sizeOf(r) === `P=${p}`);
    for (const name of ['fedadam', 'fedyogi']) {
      for (const p of sizes) {
        const native = nativeAt(name, p);
        const numpy = results.find((r) => r.name === `${name}::numpy:P=${p}`);
        const read = native && readFor(native);
        if (native && numpy) ratios(summary, `${name}::native / numpy:P=${p}`, native, numpy);
        if (native && read) ratios(summary, `${name}::native / read probe:P=${p}`, native, read);
      }
      const small = nativeAt(name, Math.min(...sizes));
      const large = nativeAt(name, Math.max(...sizes));
      if (sizes.length > 1 && small && large) ratios(summary, `${name}::native in-cache / DRAM`, small, large);
    }
    return { results, summary, table: bandwidthTable(results, readFor) };
  },
};
