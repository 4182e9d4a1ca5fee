/**
 * GEMM and training benchmark: SGEMM GFLOP/s of each native implementation — `native-openblas` (the OpenBLAS the
 * build linked, single-threaded calls under the addon's pool) and `native-own-<isa>` (the own packed kernel) — beside
 * numpy's `A @ B` (its bundled OpenBLAS, in a python3 subprocess with OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset,
 * same shapes; its configuration and core named), all threads and one thread each, each timed as batches of ~20 ms
 * (mean and best batch) the same way on both sides; the plain-JS reference (float64 accumulation) and WebGPU
 * (kernels/gemm.wgsl, upload and read-back included) through benchmark.js. Then one federated training round of the
 * demo configuration (shipped Fashion-MNIST subset, 5 organizations, Dirichlet α = 0.5, softmax regression, 1 epoch,
 * batch 32; real shards only) with local training on the JS reference path and through the native engine on each
 * implementation. Everything in one run, so the ratios mean something.
 */
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import type { AddonGemmInfo } from '../bindings/addon.js';
import { createEngine, type Engine } from '../src/engine/engine.js';
import { SUBSET_PUBLIC_COUNT, loadFashionMnist, shippedSubsetDir, splitPublic } from '../src/fl/fashion-mnist.js';
import { createModel, type ModelKind } from '../src/fl/models.js';
import { dirichletPartition } from '../src/fl/partition.js';
import { samplesOf, selectSamples } from '../src/fl/samples.js';
import { federatedRound, type Organization } from '../src/fl/train.js';
import { Random } from '../src/util/random.js';
import { baselineEnv, runCases, type BenchCase, type BenchResult } from './harness.js';
import type { Suite } from './suite.js';

/** numpy sgemm, timed in Python: best and mean seconds of `np.matmul(a, b, out=c)`, and which BLAS kernel ran. */
const NUMPY_SCRIPT = String.raw`
import ctypes, json, sys, time
import numpy as np
m, k, n, repeats = (int(v) for v in sys.argv[1:5])
rng = np.random.default_rng(42)
a = rng.standard_normal((m, k), dtype=np.float32)
b = rng.standard_normal((k, n), dtype=np.float32)
c = np.empty((m, n), dtype=np.float32)
for _ in range(3):
    np.matmul(a, b, out=c)
t0 = time.perf_counter()
np.matmul(a, b, out=c)
inner = max(1, int(0.02 / max(1e-7, time.perf_counter() - t0)))  # ~20 ms per sample
times = []
for _ in range(repeats):
    t0 = time.perf_counter()
    for _ in range(inner):
        np.matmul(a, b, out=c)
    times.append((time.perf_counter() - t0) / inner)
blas = []
# Ask the OpenBLAS numpy loaded for its configuration line and the core (kernel set) it chose.
def ask(lib, names):
    for name in names:
        fn = getattr(lib, name, None)
        if fn is not None:
            fn.restype = ctypes.c_char_p
            return fn().decode().strip()
    return None
paths = sorted({l.split()[-1] for l in open('/proc/self/maps') if 'openblas' in l.lower() and '.so' in l})
for path in paths:
    lib = ctypes.CDLL(path)
    config = ask(lib, [p + 'openblas_get_config' + s for p in ('scipy_', '') for s in ('64_', '')])
    core = ask(lib, [p + 'openblas_get_corename' + s for p in ('scipy_', '') for s in ('64_', '')])
    if config:
        blas.append(f"{' '.join(config.split())} (core {core})")
print(json.dumps({"best": min(times), "mean": sum(times) / len(times), "samples": repeats, "blas": '; '.join(blas) or 'unknown', "numpy": np.__version__}))
`;

function numpySgemm(
  m: number,
  k: number,
  n: number,
  repeats: number,
  threads?: number,
): { results: BenchResult[]; blas: string } | { skipped: string } {
  const env = baselineEnv(threads === undefined ? {} : { OPENBLAS_NUM_THREADS: String(threads) });
  const r = spawnSync('python3', ['-c', NUMPY_SCRIPT, String(m), String(k), String(n), String(repeats)], {
    encoding: 'utf8',
    env,
  });
  if (r.error || r.status !== 0) {
    return {
      skipped: `python3 with numpy is not available (${(r.error?.message ?? r.stderr).trim().split('\n').pop()})`,
    };
  }
  const o = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
    best: number;
    mean: number;
    samples: number;
    blas: string;
    numpy: string;
  };
  const flops = 2 * m * n * k;
  const row = (impl: string, seconds: number): BenchResult => ({
    name: `gemm::${impl}:${m}x${k}x${n}`,
    meanMs: seconds * 1e3,
    rmePercent: 0,
    samples: o.samples,
    gflopPerSecond: flops / seconds / 1e9,
  });
  const results =
    threads === undefined ? [row('numpy', o.mean), row('numpy-best', o.best)] : [row(`numpy-${threads}t-best`, o.best)];
  return { blas: `numpy ${o.numpy}, ${o.blas}`, results };
}

/**
 * Per-call seconds over `repeats` timed batches of ~20 ms each, exactly as the numpy script times itself: the mean
 * of the batches and the best one (the figure numpy is usually quoted by; on a loaded machine the mean mostly
 * measures the other processes). benchmark.js's deferred mode adds its own scheduling to every call, which at
 * ~1 ms per call is not negligible, so the native-vs-numpy ratios use these batch timings on both sides.
 */
async function batches(run: () => Promise<void>, repeats: number): Promise<{ best: number; mean: number }> {
  const t0 = performance.now();
  await run();
  const inner = Math.max(1, Math.floor(20 / Math.max(1e-3, performance.now() - t0)));
  let best = Infinity;
  let total = 0;
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    for (let i = 0; i < inner; i++) await run();
    const perCall = (performance.now() - start) / inner;
    best = Math.min(best, perCall);
    total += perCall;
  }
  return { best: best / 1e3, mean: total / repeats / 1e3 };
}

function uniform(seed: number, length: number): Float32Array {
  const rng = new Random(seed);
  return Float32Array.from({ length }, () => rng.next() * 2 - 1);
}

/** The demo's federation: 5 organizations of the shipped subset, Dirichlet α = 0.5 (real shards only). */
function demoFederation(organizations: number): { orgs: Organization[]; samples: number } {
  const dir = shippedSubsetDir();
  const { owned } = splitPublic(loadFashionMnist(dir, 'train'), SUBSET_PUBLIC_COUNT);
  const pool = samplesOf(owned);
  const parts = dirichletPartition(owned.labels, 10, organizations, 0.5, 42);
  return { orgs: parts.map((p) => ({ real: selectSamples(pool, p) })), samples: pool.y.length };
}

/** A native GEMM implementation as the rows name it, and the engine option that selects it. */
interface NativeVariant {
  label: string;
  gemm: 'blas' | 'own';
}

/** The implementations this addon offers: OpenBLAS when linked, and the own kernel named by its micro-kernel. */
function nativeVariants(engine: Engine): NativeVariant[] {
  const { gemm } = engine.info().details as { gemm: AddonGemmInfo };
  return [
    ...(gemm.blas ? [{ label: 'native-openblas', gemm: 'blas' as const }] : []),
    { label: `native-own-${gemm.own}`, gemm: 'own' },
  ];
}

function row(name: string, seconds: number, samples: number, flops?: number): BenchResult {
  return {
    name,
    meanMs: seconds * 1e3,
    rmePercent: 0,
    samples,
    ...(flops !== undefined ? { gflopPerSecond: flops / seconds / 1e9 } : {}),
  };
}

export const gemmSuite: Suite = {
  name: 'gemm',
  help: `gemm [--sizes 256x784x256,1024x1024x1024,32x784x64] [--backends native,numpy,js,webgpu] [--model softmax|mlp]
    [--quick]
    SGEMM GFLOP/s (m×k×n) of each native implementation (OpenBLAS when linked, the own kernel) vs numpy (its
    OpenBLAS, named) vs plain JS vs WebGPU, then one federated training round of the demo configuration with local
    training on JS vs each native implementation; all in one run.`,
  options: {
    sizes: { type: 'string', default: '256x784x256,1024x1024x1024,32x784x64' },
    backends: { type: 'string', default: 'native,numpy,js,webgpu' },
    model: { type: 'string', default: 'softmax' },
    quick: { type: 'boolean', default: false },
  },
  async run(values, log) {
    const backends = String(values.backends).split(',');
    const sizes = String(values.sizes)
      .split(',')
      .map((s) => s.split('x').map(Number) as [number, number, number]);
    const timing = values.quick ? { maxTime: 1, minSamples: 2 } : { maxTime: 4, minSamples: 5 };
    const repeats = values.quick ? 5 : 20;
    const engines: Partial<Record<'native' | 'js' | 'webgpu', Engine>> = {};
    const results: BenchResult[] = [];
    const notes: string[] = [];
    let variants: NativeVariant[] = [];
    const push = (r: BenchResult) => {
      results.push(r);
      log(`  ${r.name}: ${r.meanMs.toFixed(3)} ms, ${r.gflopPerSecond?.toFixed(1) ?? '?'} GFLOP/s`);
    };
    try {
      for (const b of ['native', 'js', 'webgpu'] as const) {
        if (!backends.includes(b) && !(b === 'js' || b === 'native')) continue;
        try {
          engines[b] = await createEngine({ backend: b });
        } catch (e) {
          notes.push(`${b}: ${(e as Error).message}`);
          log(`  ${b} unavailable: ${(e as Error).message}`);
        }
      }
      if (engines.native) {
        variants = nativeVariants(engines.native);
        const { gemm } = engines.native.info().details as { gemm: AddonGemmInfo };
        if (gemm.blas) notes.push(`native-openblas: ${gemm.blas.config} (core ${gemm.blas.core})`);
        notes.push(`native-own-${gemm.own}: the own packed kernel, ${gemm.own} micro-kernel`);
      }
      for (const [m, k, n] of sizes) {
        const size = `${m}x${k}x${n}`;
        const a = uniform(1, m * k);
        const b = uniform(2, k * n);
        const c = new Float32Array(m * n);
        const flops = 2 * m * n * k;
        const cases: BenchCase[] = [];
        for (const name of ['js', 'webgpu'] as const) {
          const engine = engines[name];
          // The JS reference takes seconds per call at 1024³: it is timed on the smaller sizes only.
          if (!engine || !backends.includes(name) || (name === 'js' && m * n * k > 2 ** 28)) continue;
          cases.push({
            name: `gemm::${name}:${size}`,
            flops,
            run: async () => void (await engine.gemm(m, n, k, a, b, { c })),
          });
        }
        results.push(...(await runCases(cases, timing, log)));
        if (engines.native && backends.includes('native')) {
          // Each variant on all cores, then on one thread (a per-core comparison that other processes on a small
          // shared machine disturb less); creating the engine selects the implementation for the process.
          for (const v of variants) {
            for (const threads of [cpus().length, 1]) {
              const engine = await createEngine({ backend: 'native', gemm: v.gemm, threads });
              try {
                const t = await batches(async () => void (await engine.gemm(m, n, k, a, b, { c })), repeats);
                if (threads === 1) {
                  push(row(`gemm::${v.label}-1t-best:${size}`, t.best, repeats, flops));
                } else {
                  push(row(`gemm::${v.label}-batches:${size}`, t.mean, repeats, flops));
                  push(row(`gemm::${v.label}-best:${size}`, t.best, repeats, flops));
                }
              } finally {
                engine.dispose();
              }
            }
          }
          (await createEngine({ backend: 'native', gemm: 'auto', threads: cpus().length })).dispose();
        }
        if (backends.includes('numpy')) {
          const single = numpySgemm(m, k, n, repeats, 1);
          if (!('skipped' in single)) single.results.forEach(push);
          const numpy = numpySgemm(m, k, n, repeats);
          if ('skipped' in numpy) {
            log(`  numpy skipped: ${numpy.skipped}`);
            notes.push(numpy.skipped);
          } else {
            numpy.results.forEach(push);
            if (!notes.includes(numpy.blas)) notes.push(numpy.blas);
            log(`  (${numpy.blas})`);
          }
        }
      }

      // One federated round of the demo configuration, local training on JS (reference) vs each native variant.
      const kind = String(values.model) as ModelKind;
      const model = createModel(
        kind === 'mlp' ? { kind, inputs: 784, hidden: 64, classes: 10 } : { kind: 'softmax', inputs: 784, classes: 10 },
      );
      const { orgs } = demoFederation(5);
      const recipe = { model, epochs: 1, batchSize: 32, learningRate: 0.01, momentum: 0.9, seed: 1, round: 0 };
      const init = model.init(new Random(1));
      const label = `${orgs.length}orgs,${kind},E=1,B=32`;
      const roundTiming = values.quick ? { maxTime: 2, minSamples: 2 } : { maxTime: 6, minSamples: 5 };
      if (engines.js) {
        const js = engines.js;
        const roundCase = {
          name: `round::js:${label}`,
          run: async () => void (await federatedRound(init, orgs, { ...recipe, engine: js })),
        };
        results.push(...(await runCases([roundCase], roundTiming, log)));
      }
      for (const v of engines.native ? variants : []) {
        const engine = await createEngine({ backend: 'native', gemm: v.gemm });
        try {
          const roundCase = {
            name: `round::${v.label}:${label}`,
            run: async () => void (await federatedRound(init, orgs, { ...recipe, trainOnEngine: true, engine })),
          };
          results.push(...(await runCases([roundCase], roundTiming, log)));
        } finally {
          engine.dispose();
        }
      }
      if (engines.native) (await createEngine({ backend: 'native', gemm: 'auto' })).dispose();
    } finally {
      for (const e of Object.values(engines)) e?.dispose();
    }

    const summary: Record<string, number | string> = {};
    const gflops = (name: string) => results.find((r) => r.name === name)?.gflopPerSecond;
    for (const [m, k, n] of sizes) {
      const size = `${m}x${k}x${n}`;
      const get = (impl: string) => gflops(`gemm::${impl}:${size}`);
      // numpy at its best: the faster of its all-thread and one-thread best batches.
      const numpyBest = Math.max(get('numpy-best') ?? 0, get('numpy-1t-best') ?? 0);
      for (const v of variants) {
        for (const [mine, theirs, what] of [
          ['batches', 'numpy', 'means of timed batches'],
          ['best', 'numpy-best', 'best batches'],
          ['1t-best', 'numpy-1t-best', 'one thread each, best batches'],
        ] as const) {
          const [x, y] = [get(`${v.label}-${mine}`), get(theirs)];
          if (x && y) summary[`gemm ${size}: ${v.label} / numpy (${what})`] = x / y;
        }
        const mineBest = Math.max(get(`${v.label}-best`) ?? 0, get(`${v.label}-1t-best`) ?? 0);
        if (mineBest > 0 && numpyBest > 0) {
          summary[`gemm ${size}: ${v.label} / numpy, each at its best (all threads or one)`] = mineBest / numpyBest;
        }
      }
      const best = variants[0] && get(`${variants[0].label}-best`);
      for (const other of ['js', 'webgpu']) {
        const o = get(other);
        if (best && o) summary[`gemm ${size}: ${variants[0]!.label} (best batch) / ${other}`] = best / o;
      }
    }
    const js = results.find((r) => r.name.startsWith('round::js:'));
    for (const v of variants) {
      const nat = results.find((r) => r.name.startsWith(`round::${v.label}:`));
      if (js && nat) summary[`round: ${v.label} speedup over js`] = js.meanMs / nat.meanMs;
    }
    if (notes.length > 0) summary.notes = notes.join(' | ');
    return {
      results,
      summary,
      table: {
        headers: ['run', 'mean (ms)', '± %', 'GFLOP/s'],
        rows: results.map((r) => [r.name, r.meanMs, r.rmePercent.toFixed(1), r.gflopPerSecond?.toFixed(2) ?? '']),
      },
    };
  },
};
