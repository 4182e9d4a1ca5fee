/**
 * Opt-in throughput probe (COCOGEN_GPU_BENCH=1): FedAvg on the WebGPU backend for K = 64, P = 4M, counted as
 * (K + 1)·P·4 bytes moved per second, best of 3 after one warm-up, reported with the adapter. Not a benchmark of
 * record (bench/ holds those); it exists so that a number can be re-measured on any machine with one command:
 *   COCOGEN_GPU_BENCH=1 npx vitest run test/gpu/fed-avg-throughput.test.ts
 */
import { describe, expect, it } from 'vitest';
import { probeGpu } from '../../bindings/dawn.js';
import { WebGpuBackend } from '../../src/engine/webgpu-backend.js';

const probe = await probeGpu();
const enabled = process.env.COCOGEN_GPU_BENCH === '1' && probe.available;

describe.skipIf(!enabled)('fed-avg throughput (COCOGEN_GPU_BENCH=1)', () => {
  it('fed-avg::webgpu:n=64x4194304', async () => {
    const k = 64;
    const p = 4 * 1024 * 1024;
    const updates = Array.from({ length: k }, (_, j) => {
      const u = new Float32Array(p);
      for (let i = 0; i < p; i++) u[i] = ((i * 31 + j * 7) % 997) / 997 - 0.5;
      return u;
    });
    const weights = new Float64Array(k).fill(1 / k);
    const out = new Float32Array(p);
    const gpu = await WebGpuBackend.create();
    try {
      await gpu.fedAvg(updates, weights, out); // warm-up: pipeline, pooled buffers
      const times: number[] = [];
      for (let r = 0; r < 3; r++) {
        const t0 = performance.now();
        await gpu.fedAvg(updates, weights, out);
        times.push((performance.now() - t0) / 1000);
      }
      const best = Math.min(...times);
      const gbps = ((k + 1) * p * 4) / best / 1e9;
      console.info(
        `fed-avg::webgpu:n=${k}x${p} on ${gpu.info().device}: best ${best.toFixed(3)} s of [${times.map((t) => t.toFixed(3)).join(', ')}] → ${gbps.toFixed(2)} GB/s`,
      );
      expect(gbps).toBeGreaterThan(0);
    } finally {
      gpu.dispose();
    }
  });
});
