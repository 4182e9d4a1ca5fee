/**
 * The kernel registry: every home declares its kernel once (kernels/<kernel>/kernel.ts) and a backend runs any
 * declaration through `run`, so a kernel the backends have never seen runs without a backend edit.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CocogenError } from '../../src/core/errors.js';
import { JsBackend } from '../../src/engine/js-backend.js';
import { defineKernel, type Kernel } from '../../src/engine/kernels/kernel.js';

const HOMES = new URL('../../src/engine/kernels/', import.meta.url);

async function declaredKernels(): Promise<Kernel<unknown, unknown>[]> {
  const found: Kernel<unknown, unknown>[] = [];
  for (const entry of readdirSync(HOMES, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === 'server-optimizer') continue; // stateful: its own class per backend
    const module = (await import(new URL(`${entry.name}/kernel.ts`, HOMES).href)) as Record<string, unknown>;
    for (const value of Object.values(module)) {
      if (value !== null && typeof value === 'object' && 'webgpu' in value)
        found.push(value as Kernel<unknown, unknown>);
    }
  }
  return found;
}

describe('kernel registry', () => {
  it('every home declares its kernels with three implementations and a distinct name', async () => {
    const kernels = await declaredKernels();
    expect(kernels.map((k) => k.name).sort()).toEqual([
      'cnnLogits',
      'coalitionValues',
      'conv2d',
      'conv2dBackward',
      'coordinateMedian',
      'denseBackward',
      'denseForward',
      'denseRowSums',
      'denseTrainSteps',
      'fedAvg',
      'gemm',
      'gram',
      'l1Distances',
      'labelHistograms',
      'maxPool2d',
      'maxPool2dBackward',
      'payoffMatrix',
      'sgdMomentum',
      'softmaxCrossEntropy',
      'squaredNorms',
      'trainCnn',
      'trimmedMean',
    ]);
    for (const k of kernels) {
      expect(Object.isFrozen(k)).toBe(true);
      for (const impl of [k.js, k.native, k.webgpu]) expect(typeof impl).toBe('function');
    }
  });

  it('a backend runs a kernel it has never seen, and refuses after dispose without running it', async () => {
    const calls: number[] = [];
    const triple = defineKernel<number, number>({
      name: 'triple',
      js: (x) => (calls.push(x), 3 * x),
      native: () => Promise.reject(new Error('not on js')),
      webgpu: () => Promise.reject(new Error('not on js')),
    });
    const backend = new JsBackend();
    await expect(backend.run(triple, 7)).resolves.toBe(21);
    backend.dispose();
    const e = await backend.run(triple, 1).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(CocogenError);
    expect((e as CocogenError).code).toBe('DISPOSED');
    expect(calls).toEqual([7]);
  });
});
