/**
 * Every shared table, and the tier in which each backend runs it. One runner per tier registers them all for its
 * backend — test/unit/kernels-js.test.ts (js), test/native/kernels-native.test.ts (native; skipped, saying why, when
 * the addon is not built), test/gpu/kernels-webgpu.test.ts (webgpu; under CI=true a missing adapter fails) — so a new
 * kernel adds its table here once instead of one stub test file per tier.
 */
import type { BackendName } from '../../src/engine/backend.js';
import { createEngine, type Engine } from '../../src/engine/engine.js';
import type { ExtraEngineOptions } from '../support/engine-cache.js';
import { runCnnTrainNativeChecks, runCnnTrainTable } from './cnn.cases.js';
import { runCoalitionValuesTable } from './coalition-values.cases.js';
import { runConvNativeChecks, runConvTable } from './conv.cases.js';
import { runDataKernelsTable } from './data-kernels.cases.js';
import { runFedAvgTable } from './fed-avg.cases.js';
import { runFileRulesTable } from './file-rules.cases.js';
import { runGemmTable } from './gemm.cases.js';
import { runPayoffMatrixTable } from './payoff-matrix.cases.js';
import { runRobustRulesTable } from './robust-rules.cases.js';
import { runServerOptimizerTable, runServerOptimizerWebGpuChecks } from './server-optimizer.cases.js';
import { runSquaredNormsTable } from './squared-norms.cases.js';
import { runTrainKernelTable } from './train-kernels.cases.js';
import { runWidenTable } from './widen.cases.js';

export type Tier = 'unit' | 'native' | 'gpu';

/** Opens an engine of the runner's backend with a case's extra options (e.g. a tiny WebGPU `maxChunkBytes`). */
export type OpenEngine = (extra: ExtraEngineOptions) => Promise<Engine>;

export interface SharedTable {
  /** What the table checks. */
  name: string;
  /** The backends that run it, and in which tier each does. */
  tiers: Partial<Record<BackendName, Tier>>;
  /** Registers the table's tests for one backend. */
  run(backend: BackendName, open: OpenEngine): void;
  /** Tests of what only one backend has, registered after its run of the table. */
  extras?: Partial<Record<BackendName, (open: OpenEngine) => void>>;
}

/** js in the unit tier, native in the native tier, webgpu in the gpu tier. */
const EVERY_BACKEND = { js: 'unit', native: 'native', webgpu: 'gpu' } as const;

export const SHARED_TABLES: readonly SharedTable[] = [
  { name: 'FedAvg', tiers: EVERY_BACKEND, run: runFedAvgTable },
  { name: 'robust rules', tiers: EVERY_BACKEND, run: runRobustRulesTable },
  { name: 'squared norms', tiers: EVERY_BACKEND, run: runSquaredNormsTable },
  {
    name: 'robust rules over files',
    // js runs with native: the table writes tensor files and reads them back through memory maps.
    tiers: { js: 'native', native: 'native', webgpu: 'gpu' },
    run: (backend, open) => runFileRulesTable(backend, () => open({})),
  },
  {
    name: 'payoff matrix',
    tiers: EVERY_BACKEND,
    run: (backend, open) => runPayoffMatrixTable(backend, () => open({})),
  },
  {
    name: 'coalition values',
    tiers: EVERY_BACKEND,
    run: (backend, open) => runCoalitionValuesTable(backend, () => open({})),
  },
  { name: 'GEMM', tiers: EVERY_BACKEND, run: (backend, open) => runGemmTable(backend, () => open({})) },
  {
    name: 'dense-training kernels',
    tiers: EVERY_BACKEND,
    run: (backend, open) => runTrainKernelTable(backend, () => open({})),
  },
  {
    name: 'convolution and max pooling',
    tiers: EVERY_BACKEND,
    run: (backend, open) => runConvTable(backend, () => open({})),
    extras: { native: runConvNativeChecks },
  },
  {
    name: 'CNN training loop',
    tiers: EVERY_BACKEND,
    run: (backend, open) => runCnnTrainTable(backend, () => open({})),
    extras: { native: runCnnTrainNativeChecks },
  },
  { name: 'data kernels (label histograms, L1 distances)', tiers: EVERY_BACKEND, run: runDataKernelsTable },
  {
    name: 'server optimizers',
    tiers: EVERY_BACKEND,
    run: runServerOptimizerTable,
    extras: { webgpu: runServerOptimizerWebGpuChecks },
  },
  {
    name: 'widening (F16, BF16, F64 → float32)',
    // The TS reference loops and the native kernel; no engine (src/interop/widen.ts picks the implementation).
    tiers: { js: 'unit', native: 'native' },
    run: (backend) => runWidenTable(backend as 'js' | 'native'),
  },
];

/** The (table, backend) pairs a tier runs, in table order. */
export function tablesOf(tier: Tier): { table: SharedTable; backend: BackendName }[] {
  const runs: { table: SharedTable; backend: BackendName }[] = [];
  for (const table of SHARED_TABLES) {
    for (const backend of ['js', 'native', 'webgpu'] as const) {
      if (table.tiers[backend] === tier) runs.push({ table, backend });
    }
  }
  return runs;
}

/** Registers every table of `tier` (with its extras) on engines of each table's backend. */
export function runTier(tier: Tier, include: (backend: BackendName) => boolean = () => true): void {
  for (const { table, backend } of tablesOf(tier)) {
    if (!include(backend)) continue;
    const open: OpenEngine = (extra) => createEngine({ ...extra, backend });
    table.run(backend, open);
    table.extras?.[backend]?.(open);
  }
}
