/** allocFloat32 / viewFloat32 / freeBuffer: zero-copy views, detach on free, handle checks, byte accounting, GC. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NativeBufferHandle } from '../../bindings/addon.js';
import { addon, expectCocogenError, native, runInChild } from './native-addon.js';

describe.skipIf(!addon)('native aligned buffers', () => {
  let startBytes = 0;
  const handles: NativeBufferHandle[] = [];
  const alloc = (length: number): NativeBufferHandle => {
    const handle = native().allocFloat32(length);
    handles.push(handle);
    return handle;
  };

  beforeEach(() => {
    startBytes = native().allocatedBytes();
  });
  afterEach(() => {
    for (const handle of handles.splice(0)) native().freeBuffer(handle);
    expect(native().allocatedBytes()).toBe(startBytes);
  });

  it('allocates zero-filled memory and counts its bytes', () => {
    const handle = alloc(1000);
    expect(native().allocatedBytes()).toBe(startBytes + 4000);
    const view = native().viewFloat32(handle);
    expect(view).toBeInstanceOf(Float32Array);
    expect(view.length).toBe(1000);
    expect(view.byteOffset).toBe(0);
    expect(view.every((v) => v === 0)).toBe(true);
    native().freeBuffer(handle);
    expect(native().allocatedBytes()).toBe(startBytes);
  });

  it('views are zero-copy: a write through one view is read through another', () => {
    const handle = alloc(64);
    const a = native().viewFloat32(handle);
    const b = native().viewFloat32(handle);
    a[17] = 3.5;
    expect(b[17]).toBe(3.5);
    b.fill(-1, 30, 40);
    expect(Array.from(a.subarray(29, 41))).toEqual([0, ...new Array(10).fill(-1), 0]);
  });

  it('allocates a length-0 buffer', () => {
    const handle = alloc(0);
    expect(native().viewFloat32(handle).length).toBe(0);
  });

  it('detaches every view on free: lengths become 0, reads are undefined, nothing crashes', () => {
    const handle = alloc(256);
    const view = native().viewFloat32(handle);
    const sub = view.subarray(10, 20);
    const again = native().viewFloat32(handle);
    view[0] = 1;
    native().freeBuffer(handle);
    for (const v of [view, sub, again]) {
      expect(v.length).toBe(0);
      expect(v.byteLength).toBe(0);
      expect(v[0]).toBeUndefined();
    }
    view[0] = 5; // a write to a detached view is a silent no-op, not a write to freed memory
    expect(view.buffer.byteLength).toBe(0);
    expect(native().allocatedBytes()).toBe(startBytes);
  });

  it('double free is a no-op, and a freed handle cannot be viewed', async () => {
    const handle = alloc(8);
    native().freeBuffer(handle);
    native().freeBuffer(handle);
    await expectCocogenError(() => native().viewFloat32(handle), 'INVALID_ARGUMENT', /freed/);
  });

  it('rejects anything but a handle from allocFloat32 with INVALID_ARGUMENT', async () => {
    const fakes: unknown[] = [
      undefined,
      null,
      42,
      'handle',
      {},
      { __nativeBuffer: true },
      new Float32Array(4),
      [],
      () => 0,
      Object.freeze(Object.create(null)),
    ];
    for (const fake of fakes) {
      await expectCocogenError(
        () => native().viewFloat32(fake as NativeBufferHandle),
        'INVALID_ARGUMENT',
        /^Expected a native buffer handle from allocFloat32\(\) for handle but received /,
      );
      await expectCocogenError(() => native().freeBuffer(fake as NativeBufferHandle), 'INVALID_ARGUMENT');
    }
  });

  it('rejects lengths that are not integers in range', async () => {
    for (const length of [-1, 1.5, Number.NaN, Infinity, 2 ** 32 + 1, '8', undefined]) {
      await expectCocogenError(
        () => native().allocFloat32(length as number),
        'INVALID_ARGUMENT',
        /^Expected an integer from 0 to 4294967296 for length but received /,
      );
    }
    expect(native().allocatedBytes()).toBe(startBytes);
  });

  it('keeps memory that async work uses alive past freeBuffer, and releases it when the work settles', async () => {
    const n = 1 << 20;
    const handle = alloc(n);
    const view = native().viewFloat32(handle);
    view.fill(2);
    const out = new Float32Array(n);
    const pending = native().fedAvg([view, view], new Float64Array([1, 0.5]), out);
    native().freeBuffer(handle);
    expect(view.length).toBe(0);
    await pending;
    expect(out[0]).toBe(3);
    expect(out[n - 1]).toBe(3);
    expect(native().allocatedBytes()).toBe(startBytes);
  });

  it('GC finalizers free what was never freed, and a live view keeps its memory (child process, --expose-gc)', () => {
    const result = runInChild(`
      const start = addon.allocatedBytes();
      const collect = async (until) => {
        for (let i = 0; i < 50 && !until(); i++) { globalThis.gc(); await settle(); }
      };
      // 1. A handle dropped without freeBuffer.
      (() => { addon.allocFloat32(1 << 16); })();
      const afterAlloc = addon.allocatedBytes();
      await collect(() => addon.allocatedBytes() === start);
      const afterHandleGc = addon.allocatedBytes();
      // 2. A view that outlives its handle keeps the memory and stays readable.
      let view = (() => { const v = addon.viewFloat32(addon.allocFloat32(1 << 16)); v[5] = 7; return v; })();
      await collect(() => false);
      const whileViewAlive = addon.allocatedBytes();
      const viewValue = view[5];
      view = undefined;
      await collect(() => addon.allocatedBytes() === start);
      console.log(JSON.stringify({ start, afterAlloc, afterHandleGc, whileViewAlive, viewValue, end: addon.allocatedBytes() }));
    `) as Record<string, number>;
    expect(result.afterAlloc).toBe(result.start! + 4 * (1 << 16));
    expect(result.afterHandleGc).toBe(result.start);
    expect(result.whileViewAlive).toBe(result.start! + 4 * (1 << 16));
    expect(result.viewValue).toBe(7);
    expect(result.end).toBe(result.start);
  });
});
