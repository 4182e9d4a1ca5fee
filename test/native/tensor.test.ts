import { describe, expect, it } from 'vitest';
import { createEngine, createTensor, CocogenError, MAX_TENSOR_LENGTH } from '../../src/index.js';
import { requireAddon } from '../../bindings/addon.js';

describe('NativeTensor', () => {
  it('is zero-filled native memory with a zero-copy view that the engine aggregates directly', async () => {
    const before = requireAddon().allocatedBytes();
    const a = createTensor(1001);
    const b = createTensor(1001);
    expect(requireAddon().allocatedBytes() - before).toBeGreaterThanOrEqual(2 * 1001 * 4);
    expect(a.data.every((v) => v === 0)).toBe(true);
    a.data.fill(2);
    b.data.fill(4);
    const engine = await createEngine({ backend: 'native' });
    const out = await engine.aggregate([a.data, b.data], { rule: 'fedavg', weights: [1, 1] });
    expect(Array.from(out.subarray(0, 3))).toEqual([3, 3, 3]);
    engine.dispose();
    const view = a.data;
    a.dispose();
    a.dispose(); // idempotent
    b.dispose();
    expect(a.disposed).toBe(true);
    expect(view.length).toBe(0); // detached: a stale view can never read freed memory
    expect(() => a.data).toThrow(CocogenError);
    expect(requireAddon().allocatedBytes()).toBe(before);
  });

  it('rejects bad lengths with a typed error', () => {
    for (const bad of [-1, 1.5, NaN, MAX_TENSOR_LENGTH + 1]) {
      expect(() => createTensor(bad)).toThrow(/Expected an integer from 0 to 4294967295 for length/);
    }
  });
});

describe('createEngine', () => {
  it('validates its options', async () => {
    await expect(createEngine({ backend: 'cuda' as never })).rejects.toThrow(
      /one of 'auto', 'webgpu', 'native', 'js' for options.backend but received "cuda"/,
    );
    await expect(createEngine({ threads: 0 })).rejects.toThrow(/integer from 1 to 1024 for options.threads/);
  });
  it("'auto' records why it chose its backend", async () => {
    const engine = await createEngine();
    expect(engine.info().selection.requested).toBe('auto');
    expect(engine.info().selection.reason).toMatch(/\w/);
    engine.dispose();
  });
});
