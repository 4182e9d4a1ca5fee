/**
 * FedAvg throughput per backend for K updates × P float32, beside baselines measured in the same run: a STREAM-style
 * triad in the addon (the memory-bandwidth probe), the read probe over as many floats as the updates hold (at most
 * `triadLength`: the same level of the memory hierarchy as FedAvg reads from) and a plain-JS loop. Native rows name the
 * kernel variant that ran (`fedavg::native[avx2]`).
 * GB/s counts the bytes a kernel must move: (K + 1)·P·4 for FedAvg (K updates read, one result written),
 * 3·n·4 for the triad (STREAM's convention).
 */
import { createEngine, type Engine } from '../src/engine/engine.js';
import { loadAddon } from '../bindings/addon.js';
import { systemInfo } from '../src/engine/system-info.js';
import { Random } from '../src/util/random.js';
import { readCase, triadCase, withVariant, type BenchCase } from './harness.js';

export interface AggregateBenchConfig {
  k: number;
  p: number;
  /** Elements per triad array (≥ 4× the last-level cache, as STREAM asks); also the read probe's largest length. */
  triadLength: number;
  /** Leave the triad out (a suite that runs several sizes measures it once). */
  noTriad?: boolean;
  backends: string[];
  /** Robust rules to time per backend as well (median, trimmed-mean, krum, and gram: Krum's distance matrix alone). */
  rules?: string[];
  /** trimmed-mean's trim fraction and Krum's f for those rows */
  trim?: number;
  f?: number;
}

export async function aggregateCases(config: AggregateBenchConfig): Promise<{ cases: BenchCase[]; dispose(): void }> {
  const { k, p } = config;
  const size = `K=${k},P=${p}`;
  const rng = new Random(42);
  // Setup, outside every timed region.
  const updates = Array.from({ length: k }, () => {
    const u = new Float32Array(p);
    for (let i = 0; i < p; i += 4096) u[i] = rng.normal(); // touch every page; values need not be dense
    for (let i = 0; i < p; i++) u[i] = u[i]! + i * 1e-9;
    return u;
  });
  const weights = Array.from({ length: k }, () => 100 + Math.floor(rng.next() * 1000));
  const total = weights.reduce((a, b) => a + b, 0);
  const normalized = new Float64Array(weights.map((w) => w / total));
  const out = new Float32Array(p);
  const fedAvgBytes = (k + 1) * p * 4;
  const cases: BenchCase[] = [];
  const engines: Engine[] = [];
  const info = await systemInfo();

  const addon = loadAddon();
  if (addon.ok) {
    if (!config.noTriad) cases.push(triadCase(addon.addon, config.triadLength));
    cases.push(readCase(addon.addon, Math.min(config.triadLength, k * p)));
    // The kernel alone (its non-finite flag included, computed as it stores): what `fedavg::native` costs at best.
    cases.push({
      name: `${withVariant('fedavg::native-kernel', addon.addon, 'fedAvg')}:${size}`,
      bytes: fedAvgBytes,
      run: async () => {
        await addon.addon.fedAvg(updates, normalized, out);
      },
    });
  }
  for (const backend of config.backends) {
    if (backend !== 'js' && !info.backends[backend as 'native' | 'webgpu']?.available) continue;
    const engine = await createEngine({ backend: backend as 'js' | 'native' | 'webgpu' });
    engines.push(engine);
    const label =
      backend === 'native' && addon.ok ? withVariant('fedavg::native', addon.addon, 'fedAvg') : `fedavg::${backend}`;
    cases.push({
      name: `${label}:${size}`,
      bytes: fedAvgBytes,
      run: async () => {
        await engine.aggregate(updates, { rule: 'fedavg', weights, out });
      },
    });
  }
  // Robust rules: order statistics depend on the data, so they get dense uniform values in [−0.5, 0.5).
  const rules = config.rules ?? [];
  if (rules.length > 0) {
    const dense = Array.from({ length: k }, () => {
      const u = new Float32Array(p);
      for (let i = 0; i < p; i++) u[i] = rng.nextUint32() / 4294967296 - 0.5;
      return u;
    });
    // Krum's and multi-Krum's weighted sum of the selected updates is the FedAvg kernel; the rest is robustRules'.
    const ruleLabel = (rule: string, backend: string) =>
      backend === 'native' && addon.ok
        ? withVariant(`${rule}::native`, addon.addon, 'robustRules')
        : `${rule}::${backend}`;
    const ruleOptions = (rule: string) =>
      rule === 'trimmed-mean'
        ? { rule, trim: config.trim ?? 0.1 }
        : rule === 'krum'
          ? { rule, f: config.f ?? 8 }
          : { rule };
    for (const engine of engines) {
      for (const rule of rules) {
        if (rule === 'gram') {
          // Krum's distance matrix alone: the K×K Gram matrix as a GEMM (2·K²·P flops, symmetric or not).
          cases.push({
            name: `${ruleLabel('gram', engine.backend)}:${size}`,
            bytes: k * p * 4,
            run: async () => {
              await engine.gram(dense);
            },
          });
          continue;
        }
        cases.push({
          name: `${ruleLabel(rule, engine.backend)}:${size}`,
          bytes: fedAvgBytes,
          run: async () => {
            await engine.aggregate(dense, { ...ruleOptions(rule), out } as Parameters<Engine['aggregate']>[1]);
          },
        });
      }
    }
  }
  // The plain loop a JS user would write first: no blocking, float64 accumulator the size of the model.
  const acc = new Float64Array(p);
  cases.push({
    name: `fedavg::plain-js-loop:${size}`,
    bytes: fedAvgBytes,
    run: async () => {
      acc.fill(0);
      for (let j = 0; j < k; j++) {
        const u = updates[j]!;
        const w = normalized[j]!;
        for (let i = 0; i < p; i++) acc[i]! += w * u[i]!;
      }
      for (let i = 0; i < p; i++) out[i] = acc[i]!;
    },
  });
  return { cases, dispose: () => engines.forEach((e) => e.dispose()) };
}
