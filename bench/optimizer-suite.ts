import { loadAddon } from '../bindings/addon.js';
import { probeGpu } from '../bindings/dawn.js';
import { createEngine, type Engine } from '../src/engine/engine.js';
import { FedAdam, FedYogi } from '../src/engine/server-optimizer.js';
import { runCases, triadCase, triadTable, type BenchCase } from './harness.js';
import type { Suite } from './suite.js';

/** Bytes one step moves: x, Δ, m, v read and x, m, v written (7 float32 streams), STREAM's convention. */
const STEP_STREAMS = 7;

export const optimizerSuite: Suite = {
  name: 'optimizer',
  help: `optimizer [--p 33554432] [--quick]
    FedAdam and FedYogi server steps (native fused kernel, the plain-TS reference and WebGPU, whose m and v stay in
    GPU buffers: a step moves x and Δ up and x back) beside the triad bandwidth probe, in GB/s counted as the 7 streams
    the step reads + writes wherever they live, measured in one run.`,
  options: { p: { type: 'string', default: String(32 * 1024 * 1024) }, quick: { type: 'boolean', default: false } },
  async run(values, log) {
    const p = Number(values.p);
    const addon = loadAddon();
    const gpu = await probeGpu();
    const cases: BenchCase[] = [];
    const owned: { dispose(): void }[] = [];
    // One WebGPU engine for both optimizers (created outside the timed region; disposed after them).
    const engine: Engine | undefined = gpu.available ? await createEngine({ backend: 'webgpu' }) : undefined;
    const x = new Float32Array(p).fill(0.5);
    const delta = new Float32Array(p).fill(1e-3);
    if (addon.ok) cases.push(triadCase(addon.addon, p));
    for (const [name, Ctor] of [
      ['fedadam', FedAdam],
      ['fedyogi', FedYogi],
    ] as const) {
      const backends = [
        ...(addon.ok ? (['native'] as const) : []),
        'js' as const,
        ...(gpu.available ? (['webgpu'] as const) : []),
      ];
      for (const backend of backends) {
        if (backend === 'js' && p > 1 << 24 && !values.quick) continue; // the JS loop at 32M takes seconds per step
        const opt = new Ctor({ length: p, eta: 1e-6, ...(backend === 'webgpu' ? { engine } : { backend }) });
        owned.push(opt);
        cases.push({ name: `${name}::${backend}:P=${p}`, bytes: STEP_STREAMS * p * 4, run: () => opt.step(x, delta) });
      }
    }
    let results;
    try {
      results = await runCases(
        cases,
        values.quick ? { maxTime: 1, minSamples: 2 } : { maxTime: 5, minSamples: 5 },
        log,
      );
    } finally {
      for (const o of owned) o.dispose();
      engine?.dispose();
    }
    const triad = results.find((r) => r.name.startsWith('triad::'));
    const summary: Record<string, number> = {};
    for (const r of results) {
      if (triad?.gbPerSecond && r.gbPerSecond && r !== triad)
        summary[`${r.name} / triad`] = r.gbPerSecond / triad.gbPerSecond;
    }
    return {
      results,
      summary,
      table: triadTable(results),
    };
  },
};
