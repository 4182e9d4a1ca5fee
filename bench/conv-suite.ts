/**
 * Convolution and max-pool benchmark: the layers of the CNN the FL step will train (NCHW; conv 5×5 → 16 with padding
 * 2 and a fused ReLU on 1×28×28, 2×2 max pool, conv 5×5 → 32 on 16×14×14, 2×2 max pool) at `--batch` (default 32),
 * forward and backward, on each engine backend: the JS reference (float64 direct loops), native (im2col onto the
 * float32 SGEMM, multithreaded) and WebGPU when an adapter exists (direct WGSL loops; without a GPU that is lavapipe,
 * i.e. the CPU). Upload and read-back are included on WebGPU. Inputs are built outside the timed region; everything
 * runs in one run, so the ratios in the summary mean something.
 */
import { probeGpu } from '../bindings/dawn.js';
import { loadAddon } from '../bindings/addon.js';
import { createEngine, type Engine } from '../src/engine/engine.js';
import { Random } from '../src/util/random.js';
import { runCases, type BenchCase, type BenchResult } from './harness.js';
import type { Suite } from './suite.js';

function uniform(seed: number, length: number): Float32Array {
  const rng = new Random(seed);
  return Float32Array.from({ length }, () => rng.next() * 2 - 1);
}

interface ConvLayer {
  name: string;
  channels: number;
  size: number;
  outChannels: number;
  /** the first layer needs no dx */
  needDx: boolean;
}

const KERNEL = 5;
const PADDING = 2;
const LAYERS: ConvLayer[] = [
  { name: 'conv1', channels: 1, size: 28, outChannels: 16, needDx: false },
  { name: 'conv2', channels: 16, size: 14, outChannels: 32, needDx: true },
];
const POOLS = [
  { name: 'pool1', channels: 16, size: 28 },
  { name: 'pool2', channels: 32, size: 14 },
];

/** The benchmark cases of one engine, and its ops' names for the summary. */
function casesOf(e: Engine, batch: number): BenchCase[] {
  const cases: BenchCase[] = [];
  LAYERS.forEach((l, i) => {
    const sizes = {
      batch,
      channels: l.channels,
      height: l.size,
      width: l.size,
      outChannels: l.outChannels,
      kernelHeight: KERNEL,
      kernelWidth: KERNEL,
      padding: PADDING,
    };
    const x = uniform(10 * i + 1, batch * l.channels * l.size * l.size);
    const w = uniform(10 * i + 2, l.outChannels * l.channels * KERNEL * KERNEL);
    const bias = uniform(10 * i + 3, l.outChannels);
    const outLength = batch * l.outChannels * l.size * l.size;
    const dy = uniform(10 * i + 4, outLength);
    const y = uniform(10 * i + 5, outLength).map((v) => Math.max(0, v));
    const flops = 2 * outLength * l.channels * KERNEL * KERNEL;
    cases.push({
      name: `${l.name}-forward::${e.backend}:batch=${batch}`,
      flops,
      run: async () => void (await e.conv2d({ ...sizes, x, w, bias, relu: true })),
    });
    cases.push({
      name: `${l.name}-backward::${e.backend}:batch=${batch}`,
      flops: flops * (l.needDx ? 2 : 1),
      run: async () => void (await e.conv2dBackward({ ...sizes, x, w, dy, y, relu: true, needDx: l.needDx })),
    });
  });
  POOLS.forEach((p, i) => {
    const sizes = { batch, channels: p.channels, height: p.size, width: p.size, kernel: 2 };
    const x = uniform(100 + i, batch * p.channels * p.size * p.size);
    const dy = uniform(200 + i, x.length / 4);
    let indices: Int32Array | undefined;
    cases.push({
      name: `${p.name}-forward::${e.backend}:batch=${batch}`,
      run: async () => void ({ indices } = await e.maxPool2d({ ...sizes, x })),
    });
    cases.push({
      name: `${p.name}-backward::${e.backend}:batch=${batch}`,
      // indices come from the forward case, which runs (and warms up) first
      run: async () => void (await e.maxPool2dBackward({ ...sizes, dy, indices: indices! })),
    });
  });
  return cases;
}

export const convSuite: Suite = {
  name: 'conv',
  help: `conv [--batch 32] [--backends js,native,webgpu] [--quick]
    The CNN's conv2d (forward and backward, fused ReLU) and 2×2 max-pool layers at one batch size on the JS
    reference, native and WebGPU, in one run; the summary gives js / native and js / webgpu per op.`,
  options: {
    batch: { type: 'string', default: '32' },
    backends: { type: 'string', default: 'js,native,webgpu' },
    quick: { type: 'boolean', default: false },
  },
  async run(values, log) {
    const batch = Number(values.batch);
    const options = values.quick ? { maxTime: 0.5, minSamples: 2 } : { maxTime: 3, minSamples: 5 };
    const wanted = String(values.backends).split(',');
    const engines: Engine[] = [];
    const results: BenchResult[] = [];
    try {
      if (wanted.includes('js')) engines.push(await createEngine({ backend: 'js' }));
      if (wanted.includes('native') && loadAddon().ok) engines.push(await createEngine({ backend: 'native' }));
      if (wanted.includes('webgpu') && (await probeGpu()).available)
        engines.push(await createEngine({ backend: 'webgpu' }));
      for (const e of engines) results.push(...(await runCases(casesOf(e, batch), options, log)));
    } finally {
      for (const e of engines) e.dispose();
    }
    const summary: Record<string, number | string> = {};
    const mean = (name: string) => results.find((r) => r.name === name)?.meanMs;
    for (const op of [...LAYERS, ...POOLS].flatMap((l) => [`${l.name}-forward`, `${l.name}-backward`])) {
      const js = mean(`${op}::js:batch=${batch}`);
      for (const other of ['native', 'webgpu']) {
        const t = mean(`${op}::${other}:batch=${batch}`);
        if (js && t) summary[`${op}: js / ${other}`] = js / t;
      }
    }
    return {
      results,
      summary,
      table: {
        headers: ['run', 'mean (ms)', '± %', 'GFLOP/s'],
        rows: results.map((r) => [
          r.name,
          r.meanMs,
          r.rmePercent.toFixed(1),
          r.gflopPerSecond !== undefined ? r.gflopPerSecond.toFixed(2) : '',
        ]),
      },
    };
  },
};
