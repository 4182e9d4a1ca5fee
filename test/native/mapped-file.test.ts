/**
 * Memory-mapped files (native/exports/mapped_file.cc) and the tensor files read through them: zero-copy, detach on
 * dispose.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MappedFile } from '../../src/interop/mapped-file.js';
import { TensorFile, TensorFileWriter, writeTensorFile } from '../../src/interop/tensor-file.js';
import { addon, expectCocogenError, native, seeded } from './native-addon.js';

const dir = mkdtempSync(join(tmpdir(), 'cocogen-mmap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!addon)('MappedFile', () => {
  it('maps a byte range zero-copy and detaches its views on dispose', () => {
    const path = join(dir, 'bytes.bin');
    writeFileSync(
      path,
      Uint8Array.from({ length: 10000 }, (_, i) => i & 0xff),
    );
    const before = native().mappedBytes();
    const file = MappedFile.open(path, { offset: 4097, length: 100 });
    const bytes = file.bytes();
    expect(bytes.length).toBe(100);
    expect(bytes[0]).toBe(4097 & 0xff);
    expect(native().mappedBytes()).toBeGreaterThan(before);
    file.dispose();
    expect(bytes.length).toBe(0);
    expect(native().mappedBytes()).toBe(before);
    file.dispose(); // idempotent
    expect(() => file.buffer).toThrow(/dispose/);
  });

  it('creates a file, writes through the map and syncs', () => {
    const path = join(dir, 'created.bin');
    const file = MappedFile.create(path, 16);
    file.float32(0, 4).set([1, 2, 3, 4]);
    file.sync();
    file.dispose();
    expect(Array.from(new Float32Array(Uint8Array.from(readFileSync(path)).buffer))).toEqual([1, 2, 3, 4]);
  });

  it('names the file when it is missing or the range lies outside it', async () => {
    await expectCocogenError(() => MappedFile.open(join(dir, 'missing.bin')), 'IO_ERROR', /missing\.bin.*no such file/);
    const path = join(dir, 'small.bin');
    writeFileSync(path, new Uint8Array(8));
    await expectCocogenError(
      () => MappedFile.open(path, { offset: 4, length: 8 }),
      'IO_ERROR',
      /small\.bin.*holds 8 bytes/,
    );
    await expectCocogenError(() => native().mappedBuffer({} as never), 'INVALID_ARGUMENT', /mapped file handle/);
  });
});

describe.skipIf(!addon)('tensor files through memory maps', () => {
  const w = seeded(1, 6);
  const b = seeded(2, 3);

  for (const ext of ['safetensors', 'npy'] as const) {
    it(`round-trips float32 through ${ext}: a copy by default, zero-copy under read: 'map'`, () => {
      const path = join(dir, `round.${ext}`);
      const tensors =
        ext === 'npy'
          ? [{ name: 'array', shape: [2, 3], data: w }]
          : [
              { name: 'w', shape: [2, 3], data: w },
              { name: 'b', shape: [3], data: b },
            ];
      writeTensorFile(path, tensors);
      const copied = TensorFile.open(path);
      const copy = copied.tensor(tensors[0]!.name);
      copied.dispose();
      expect(Array.from(copy)).toEqual(Array.from(tensors[0]!.data)); // its own memory: it outlives the file
      const file = TensorFile.open(path, { read: 'map' });
      for (const t of tensors) {
        const values = file.tensor(t.name);
        expect(Array.from(values)).toEqual(Array.from(t.data));
        expect(values.buffer.byteLength).toBeGreaterThanOrEqual(values.byteLength); // a view of the map, not a copy
        expect(file.info(t.name).shape).toEqual(t.shape);
      }
      const view = file.tensor(tensors[0]!.name);
      file.dispose();
      expect(view.length).toBe(0);
    });
  }

  it('widens F16 / BF16 and narrows F64 on load, and views F32 at an unaligned offset', () => {
    // header length 2 + 8 → data starts at byte 10 + header; pad the JSON so that the F32 tensor is misaligned
    const header = JSON.stringify({
      h: { dtype: 'F16', shape: [2], data_offsets: [0, 4] },
      g: { dtype: 'BF16', shape: [1], data_offsets: [4, 6] },
      f: { dtype: 'F32', shape: [2], data_offsets: [6, 14] },
      d: { dtype: 'F64', shape: [1], data_offsets: [14, 22] },
    });
    const text = new TextEncoder().encode(header + ' '.repeat((8 - ((8 + header.length) % 8)) % 8));
    const data = new Uint8Array(22);
    const dv = new DataView(data.buffer);
    dv.setUint16(0, 0x3c00, true); // 1
    dv.setUint16(2, 0xc400, true); // -4
    dv.setUint16(4, 0x4049, true); // bf16 3.140625
    dv.setFloat32(6, 0.5, true);
    dv.setFloat32(10, -7.25, true);
    dv.setFloat64(14, 0.1, true);
    const bytes = new Uint8Array(8 + text.length + data.length);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(text.length), true);
    bytes.set(text, 8);
    bytes.set(data, 8 + text.length);
    const path = join(dir, 'mixed.safetensors');
    writeFileSync(path, bytes);
    const file = TensorFile.open(path);
    expect(Array.from(file.tensor('h'))).toEqual([1, -4]);
    expect(Array.from(file.tensor('g'))).toEqual([3.140625]);
    expect(Array.from(file.tensor('f'))).toEqual([0.5, -7.25]);
    expect(file.tensor('d')[0]).toBe(Math.fround(0.1));
    const block = file.block('f', 1, 1);
    expect(Array.from(block.data)).toEqual([-7.25]);
    block.release();
    file.dispose();
  });

  it('leaves no file behind when a write is aborted or incomplete', async () => {
    const path = join(dir, 'aborted.safetensors');
    const writer = new TensorFileWriter(path, [{ name: 'w', shape: [4] }]);
    writer.write(Float32Array.of(1, 2));
    await expectCocogenError(() => writer.commit(), 'INVALID_ARGUMENT', /16 data bytes/);
    expect(readdir()).not.toContain('aborted.safetensors');
    expect(readdir().some((n) => n.startsWith('aborted.safetensors.tmp'))).toBe(false);
    await expectCocogenError(
      () =>
        writeTensorFile(join(dir, 'two.npy'), [
          { name: 'a', shape: [1], data: Float32Array.of(1) },
          { name: 'b', shape: [1], data: Float32Array.of(2) },
        ]),
      'INVALID_ARGUMENT',
      /exactly one tensor/,
    );
  });
});

function readdir(): string[] {
  return readdirSync(dir);
}
