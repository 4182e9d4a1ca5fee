/**
 * The "data" kernels (DESIGN §6): label histograms of `--labels` Uint8 labels into `--groups` contiguous groups (CSR
 * offsets) and into scattered groups (Uint16 owners), × `--classes`; and L1 distances of `--rows` × `--l1-classes`
 * float64 counts to a target. Each engine backend (js reference, native, webgpu when an adapter exists — on a machine
 * without a GPU that is lavapipe's llvmpipe, i.e. the CPU) beside the plain-TS loops the project used before the
 * kernels existed: src/fl/samples.ts's labelHistogram per group, and game/heterogeneity.ts's initialSkew. Inputs are
 * built outside the timed region; GB/s counts the input bytes read.
 */
import { probeGpu } from '../bindings/dawn.js';
import { loadAddon } from '../bindings/addon.js';
import { createEngine, type Engine } from '../src/engine/engine.js';
import { labelHistogram } from '../src/fl/samples.js';
import { initialSkew } from '../src/game/heterogeneity.js';
import type { Scenario } from '../src/game/scenario.js';
import { runCases, type BenchCase, type BenchResult } from './harness.js';
import type { Suite } from './suite.js';

function xorshift(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
}

export const dataSuite: Suite = {
  name: 'data',
  help: `data [--labels 60000000] [--groups 1000] [--classes 10] [--rows 1000000] [--l1-classes 100] [--backends js,native,webgpu] [--quick]
    Label histograms (CSR groups and scattered Uint16 owners) and L1 distances on each backend beside the plain-TS
    loops (labelHistogram per group, initialSkew), in one run.`,
  options: {
    labels: { type: 'string', default: String(60_000_000) },
    groups: { type: 'string', default: '1000' },
    classes: { type: 'string', default: '10' },
    rows: { type: 'string', default: String(1_000_000) },
    'l1-classes': { type: 'string', default: '100' },
    backends: { type: 'string', default: 'js,native,webgpu' },
    quick: { type: 'boolean', default: false },
  },
  async run(values, log) {
    const n = Number(values.labels);
    const groups = Number(values.groups);
    const classes = Number(values.classes);
    const rows = Number(values.rows);
    const l1Classes = Number(values['l1-classes']);
    const options = values.quick ? { maxTime: 0.5, minSamples: 2 } : { maxTime: 3, minSamples: 4 };
    const wanted = String(values.backends).split(',');
    const engines: Engine[] = [];
    if (wanted.includes('js')) engines.push(await createEngine({ backend: 'js' }));
    if (wanted.includes('native') && loadAddon().ok) engines.push(await createEngine({ backend: 'native' }));
    if (wanted.includes('webgpu') && (await probeGpu()).available)
      engines.push(await createEngine({ backend: 'webgpu' }));
    const results: BenchResult[] = [];
    try {
      // Histograms.
      const next = xorshift(7);
      const labels = new Uint8Array(n);
      for (let i = 0; i < n; i++) labels[i] = next() % classes;
      const offsets = Array.from({ length: groups + 1 }, (_, g) => Math.round((g * n) / groups));
      const owners = new Uint16Array(n);
      for (let i = 0; i < n; i++) owners[i] = next() % groups;
      const size = `n=${n},groups=${groups},classes=${classes}`;
      const cases: BenchCase[] = [
        {
          name: `histograms-csr::ts-loop:${size}`,
          bytes: n,
          run: async () => {
            for (let g = 0; g < groups; g++) labelHistogram(labels.subarray(offsets[g], offsets[g + 1]), classes);
          },
        },
      ];
      for (const e of engines) {
        cases.push({
          name: `histograms-csr::${e.backend}:${size}`,
          bytes: n,
          run: async () => void (await e.labelHistograms({ labels, offsets, groups, classes })),
        });
      }
      for (const e of engines) {
        cases.push({
          name: `histograms-owners::${e.backend}:${size}`,
          bytes: 3 * n,
          run: async () => void (await e.labelHistograms({ labels, owners, groups, classes })),
        });
      }
      results.push(...(await runCases(cases, options, log)));

      // L1 distances: counts as a scenario holds them (float64), totals the row sums.
      const counts = new Float64Array(rows * l1Classes);
      const samples = new Float64Array(rows);
      for (let r = 0; r < rows; r++) {
        let total = 0;
        for (let c = 0; c < l1Classes; c++) {
          const v = next() % 4 === 0 ? next() % 1000 : 0;
          counts[r * l1Classes + c] = v;
          total += v;
        }
        if (total === 0) counts[r * l1Classes] = total = 1;
        samples[r] = total;
      }
      const target = new Float64Array(l1Classes).fill(1 / l1Classes);
      const scenario = {
        n: rows,
        classes: l1Classes,
        labelCounts: counts,
        samples,
        targetDistribution: target,
      } as unknown as Scenario;
      const l1Size = `rows=${rows},classes=${l1Classes}`;
      const l1Cases: BenchCase[] = [
        {
          name: `l1::ts-loop(initialSkew):${l1Size}`,
          bytes: counts.byteLength,
          run: async () => void initialSkew(scenario),
        },
      ];
      for (const e of engines) {
        l1Cases.push({
          name: `l1::${e.backend}:${l1Size}`,
          bytes: counts.byteLength,
          run: async () => void (await e.l1Distances({ counts, classes: l1Classes, target })),
        });
      }
      results.push(...(await runCases(l1Cases, options, log)));
    } finally {
      for (const e of engines) e.dispose();
    }
    const summary: Record<string, number | string> = {};
    const mean = (name: string) => results.find((r) => r.name === name)?.meanMs;
    for (const e of ['js', 'native', 'webgpu']) {
      const h = mean(`histograms-csr::${e}:n=${n},groups=${groups},classes=${classes}`);
      const hLoop = mean(`histograms-csr::ts-loop:n=${n},groups=${groups},classes=${classes}`);
      if (h && hLoop) summary[`histograms-csr: ts-loop / ${e}`] = hLoop / h;
      const l = mean(`l1::${e}:rows=${rows},classes=${l1Classes}`);
      const lLoop = mean(`l1::ts-loop(initialSkew):rows=${rows},classes=${l1Classes}`);
      if (l && lLoop) summary[`l1: ts-loop / ${e}`] = lLoop / l;
    }
    return {
      results,
      summary,
      table: {
        headers: ['run', 'mean (ms)', '± %', 'GB/s'],
        rows: results.map((r) => [r.name, r.meanMs, r.rmePercent.toFixed(1), r.gbPerSecond ?? '']),
      },
    };
  },
};
