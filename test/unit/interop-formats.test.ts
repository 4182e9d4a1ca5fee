/** safetensors / .npy headers: layouts read without mapping, and every kind of bad file → IO_ERROR naming file and tensor. */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CocogenError } from '../../src/core/errors.js';
import { MappedFile } from '../../src/interop/mapped-file.js';
import { npyHeader } from '../../src/interop/npy.js';
import { safetensorsHeader } from '../../src/interop/safetensors.js';
import {
  matchTensorLayouts,
  readTensorFileLayout,
  TensorFile,
  TensorFileWriter,
  writeTensorFile,
} from '../../src/interop/tensor-file.js';
import { widenBfloat16, widenFloat16 } from '../../src/interop/widen.js';

const dir = mkdtempSync(join(tmpdir(), 'cocogen-interop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A safetensors file from a header object and a data section, exactly as given (so that it may be wrong). */
function rawSafetensors(name: string, header: unknown, data: Uint8Array, lengthOverride?: bigint): string {
  const text = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const bytes = new Uint8Array(8 + text.length + data.length);
  new DataView(bytes.buffer).setBigUint64(0, lengthOverride ?? BigInt(text.length), true);
  bytes.set(text, 8);
  bytes.set(data, 8 + text.length);
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

function rawNpy(name: string, dict: string, dataBytes: number, version = 1): string {
  const header = new TextEncoder().encode(dict);
  const lengthBytes = version === 1 ? 2 : 4;
  const bytes = new Uint8Array(8 + lengthBytes + header.length + dataBytes);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(bytes.buffer);
  if (version === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  bytes.set(header, 8 + lengthBytes);
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

function expectIoError(fn: () => unknown, reason: string, message: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(CocogenError);
  const e = caught as CocogenError;
  expect(e.code).toBe('IO_ERROR');
  expect(e.details?.reason).toBe(reason);
  expect(e.message).toMatch(message);
}

describe('safetensors layout', () => {
  it('reads names, dtypes, shapes and absolute offsets', () => {
    const path = rawSafetensors(
      'ok.safetensors',
      {
        __metadata__: { format: 'pt' },
        w: { dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] },
        b: { dtype: 'BF16', shape: [3], data_offsets: [24, 30] },
        h: { dtype: 'F16', shape: [1], data_offsets: [30, 32] },
      },
      new Uint8Array(32),
    );
    const layout = readTensorFileLayout(path);
    expect(layout.format).toBe('safetensors');
    expect(layout.metadata).toEqual({ format: 'pt' });
    expect(layout.tensors.map((t) => [t.name, t.dtype, t.shape, t.length])).toEqual([
      ['w', 'F32', [2, 3], 6],
      ['b', 'BF16', [3], 3],
      ['h', 'F16', [1], 1],
    ]);
    expect(layout.tensors[1]!.byteOffset - layout.tensors[0]!.byteOffset).toBe(24);
  });

  it('writes headers padded to 8 bytes that read back', () => {
    const header = safetensorsHeader([
      { name: 'a', shape: [3] },
      { name: 'b', shape: [2, 2] },
    ]);
    expect(header.length % 8).toBe(0);
    const path = join(dir, 'written.safetensors');
    writeFileSync(path, Buffer.concat([header, new Uint8Array(28)]));
    expect(readTensorFileLayout(path).tensors.map((t) => [t.name, t.byteOffset % 4])).toEqual([
      ['a', 0],
      ['b', 0],
    ]);
  });

  const bad: [string, () => string, string, RegExp][] = [
    [
      'a file shorter than 8 bytes',
      () => rawSafetensors('short.safetensors', '', new Uint8Array(0), 0n),
      'corrupt',
      /short/,
    ],
    [
      'a header length beyond the file',
      () => rawSafetensors('len.safetensors', '{}', new Uint8Array(4), 1000n),
      'corrupt',
      /header length 1000 runs past the end/,
    ],
    [
      'a header that is not JSON',
      () => rawSafetensors('json.safetensors', '{"w": [', new Uint8Array(0)),
      'corrupt',
      /not JSON/,
    ],
    [
      'truncated data',
      () =>
        rawSafetensors(
          'trunc.safetensors',
          { w: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } },
          new Uint8Array(8),
        ),
      'corrupt',
      /tensor "w".*truncated/,
    ],
    [
      'offsets that disagree with the shape',
      () =>
        rawSafetensors(
          'span.safetensors',
          { w: { dtype: 'F32', shape: [4], data_offsets: [0, 12] } },
          new Uint8Array(16),
        ),
      'corrupt',
      /tensor "w".*needs 16/,
    ],
    [
      'overlapping tensors',
      () =>
        rawSafetensors(
          'overlap.safetensors',
          {
            a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
            b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
          },
          new Uint8Array(12),
        ),
      'corrupt',
      /tensor "b".*overlaps that of tensor "a"/,
    ],
    [
      'an unsupported dtype',
      () =>
        rawSafetensors(
          'i64.safetensors',
          { ids: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } },
          new Uint8Array(8),
        ),
      'unsupported',
      /Unsupported dtype "I64" for tensor "ids"/,
    ],
  ];
  for (const [what, make, reason, message] of bad) {
    it(`rejects ${what}, naming the file`, () => {
      const path = make();
      expectIoError(() => readTensorFileLayout(path), reason, message);
      expectIoError(() => readTensorFileLayout(path), reason, new RegExp(path.split('/').pop()!.replace('.', '\\.')));
    });
  }

  it('rejects a missing file as not-found', () => {
    expectIoError(() => readTensorFileLayout(join(dir, 'nope.safetensors')), 'not-found', /no such file/);
  });
});

describe('.npy layout', () => {
  it('reads v1 and v2 headers', () => {
    const v1 = rawNpy('v1.npy', "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }\n", 24);
    expect(readTensorFileLayout(v1).tensors[0]).toMatchObject({
      name: 'array',
      dtype: 'F32',
      shape: [2, 3],
      length: 6,
    });
    const v2 = rawNpy('v2.npy', "{'descr': '<f2', 'fortran_order': False, 'shape': (5,), }\n", 10, 2);
    expect(readTensorFileLayout(v2).tensors[0]).toMatchObject({ dtype: 'F16', shape: [5] });
    const scalar = rawNpy('scalar.npy', "{'descr': '<f8', 'fortran_order': False, 'shape': (), }\n", 8);
    expect(readTensorFileLayout(scalar).tensors[0]).toMatchObject({ dtype: 'F64', shape: [], length: 1 });
  });

  it('writes a v1 header whose data starts on a 64-byte boundary', () => {
    const header = npyHeader({ name: 'array', shape: [7] });
    expect(header.length % 64).toBe(0);
    const path = join(dir, 'written.npy');
    writeFileSync(path, Buffer.concat([header, new Uint8Array(28)]));
    expect(readTensorFileLayout(path).tensors[0]).toMatchObject({ shape: [7], byteOffset: header.length });
  });

  it('rejects Fortran order, big-endian data, a bad magic and truncated data', () => {
    const fortran = rawNpy('f.npy', "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }\n", 16);
    expectIoError(() => readTensorFileLayout(fortran), 'unsupported', /Fortran-order.*f\.npy|f\.npy.*Fortran-order/);
    const big = rawNpy('be.npy', "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }\n", 8);
    expectIoError(() => readTensorFileLayout(big), 'unsupported', /dtype ">f4"/);
    const short = rawNpy('t.npy', "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }\n", 8);
    expectIoError(() => readTensorFileLayout(short), 'corrupt', /truncated/);
    const magic = join(dir, 'magic.npy');
    writeFileSync(magic, new Uint8Array(64));
    expectIoError(() => readTensorFileLayout(magic), 'corrupt', /magic/);
  });
});

describe('matchTensorLayouts', () => {
  it('names the file and tensor whose name or shape differs', () => {
    const a = rawSafetensors(
      'm-a.safetensors',
      { w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } },
      new Uint8Array(8),
    );
    const b = rawSafetensors(
      'm-b.safetensors',
      { w: { dtype: 'F32', shape: [1, 2], data_offsets: [0, 8] } },
      new Uint8Array(8),
    );
    const c = rawSafetensors(
      'm-c.safetensors',
      { v: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } },
      new Uint8Array(8),
    );
    const [la, lb, lc] = [a, b, c].map(readTensorFileLayout) as [never, never, never];
    expect(matchTensorLayouts([la, la]).map((t) => t.name)).toEqual(['w']);
    expectIoError(() => matchTensorLayouts([la, lb]), 'mismatch', /"w" has shape \[1, 2\] in .*m-b/);
    expectIoError(() => matchTensorLayouts([la, lc]), 'mismatch', /"v" of .*m-c.* is not in/);
  });
});

describe('widening', () => {
  it('widens float16 and bfloat16 exactly, at any byte alignment', () => {
    const halves = [0x0000, 0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00, 0xfc00, 0x3555];
    const expected = [0, 1, -2, 65504, 2 ** -24, Infinity, -Infinity, 0.333251953125];
    for (const offset of [0, 1]) {
      const bytes = new Uint8Array(offset + 2 * halves.length).subarray(offset);
      halves.forEach((h, i) => {
        bytes[2 * i] = h & 0xff;
        bytes[2 * i + 1] = h >> 8;
      });
      expect(Array.from(widenFloat16(bytes, new Float32Array(halves.length)))).toEqual(expected);
    }
    const bf = new Uint8Array([0x80, 0x3f, 0x00, 0xc0, 0xc9, 0x40]); // 1, -2, 6.28125
    expect(Array.from(widenBfloat16(bf, new Float32Array(3)))).toEqual([1, -2, 6.28125]);
    const nan = widenFloat16(new Uint8Array([0x01, 0x7e]), new Float32Array(1));
    expect(Number.isNaN(nan[0])).toBe(true);
  });
});

describe('names and metadata round-trip exactly or are refused', () => {
  const data = (n: number, at = 0) => Float32Array.from({ length: n }, (_, i) => at + i);

  it('a tensor named "__proto__" (or "constructor") is written and read back like any other', () => {
    const path = join(dir, 'proto.safetensors');
    writeTensorFile(path, [
      { name: '__proto__', shape: [2], data: data(2) },
      { name: 'constructor', shape: [3], data: data(3, 10) },
    ]);
    const layout = readTensorFileLayout(path);
    expect(layout.tensors.map((t) => t.name)).toEqual(['__proto__', 'constructor']);
    const file = TensorFile.open(path);
    try {
      expect(Array.from(file.tensor('__proto__'))).toEqual([0, 1]);
      expect(Array.from(file.tensor('constructor'))).toEqual([10, 11, 12]);
    } finally {
      file.dispose();
    }
  });

  it('metadata with a "__proto__" key round-trips', () => {
    const path = join(dir, 'meta-proto.safetensors');
    const metadata = JSON.parse('{"__proto__": "x", "format": "pt"}') as Record<string, string>;
    writeTensorFile(path, [{ name: 'w', shape: [1], data: data(1) }], metadata);
    expect({ ...readTensorFileLayout(path).metadata }).toEqual(metadata);
  });

  const refused: [string, () => void, RegExp][] = [
    [
      'a tensor named "__metadata__"',
      () => writeTensorFile(join(dir, 'm.safetensors'), [{ name: '__metadata__', shape: [1], data: data(1) }]),
      /tensors\[0\]\.name/,
    ],
    [
      'two tensors of one name',
      () =>
        writeTensorFile(join(dir, 'dup.safetensors'), [
          { name: 'w', shape: [1], data: data(1) },
          { name: 'w', shape: [2], data: data(2) },
        ]),
      /a name no other tensor has for tensors\[1\]\.name/,
    ],
    [
      'a name that is not a string',
      () => new TensorFileWriter(join(dir, 'n.safetensors'), [{ name: 7 as never, shape: [1] }]),
      /a string for tensors\[0\]\.name/,
    ],
    [
      'a metadata value that is not a string',
      () =>
        writeTensorFile(join(dir, 'mv.safetensors'), [{ name: 'w', shape: [1], data: data(1) }], {
          step: 3 as never,
        }),
      /a string for metadata\.step but received 3/,
    ],
    [
      'data that is not a Float32Array',
      () => writeTensorFile(join(dir, 'd.safetensors'), [{ name: 'w', shape: [2], data: [1, 2] as never }]),
      /Float32Array of length 2 .* but received an array of length 2/,
    ],
  ];
  for (const [what, write, message] of refused) {
    it(`refuses ${what} with INVALID_ARGUMENT, writing nothing`, () => {
      const before = readdirSync(dir).length;
      expect(write).toThrow(CocogenError);
      try {
        write();
      } catch (e) {
        expect((e as CocogenError).code).toBe('INVALID_ARGUMENT');
        expect((e as CocogenError).message).toMatch(message);
      }
      expect(readdirSync(dir).length).toBe(before);
    });
  }

  it('a header that lists one name twice is corrupt, naming it', () => {
    const text =
      '{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}';
    const path = rawSafetensors('dup-read.safetensors', text, new Uint8Array(8));
    expectIoError(() => readTensorFileLayout(path), 'corrupt', /tensor "w".*lists this name twice/);
    // Equal keys inside a tensor's entry or inside metadata strings are not top-level names.
    const nested =
      '{"__metadata__":{"k":"\\"w\\":"},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"v":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}';
    const ok = rawSafetensors('nested.safetensors', nested, new Uint8Array(8));
    expect(readTensorFileLayout(ok).tensors.map((t) => t.name)).toEqual(['w', 'v']);
  });

  it('metadata that is not string to string is corrupt', () => {
    const path = rawSafetensors(
      'meta-num.safetensors',
      { __metadata__: { step: 3 }, w: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } },
      new Uint8Array(4),
    );
    expectIoError(() => readTensorFileLayout(path), 'corrupt', /__metadata__\.step is not a string/);
  });

  it('whether an empty tensor overlaps does not depend on the order of the header', () => {
    const a = { dtype: 'F32', shape: [2], data_offsets: [0, 8] };
    const inside = { dtype: 'F32', shape: [0], data_offsets: [4, 4] };
    const atStart = { dtype: 'F32', shape: [0], data_offsets: [0, 0] };
    for (const [name, header] of [
      ['before', { e: inside, a }],
      ['after', { a, e: inside }],
    ] as const) {
      const path = rawSafetensors(`empty-inside-${name}.safetensors`, header, new Uint8Array(8));
      expectIoError(() => readTensorFileLayout(path), 'corrupt', /overlaps/);
    }
    for (const [name, header] of [
      ['before', { e: atStart, a }],
      ['after', { a, e: atStart }],
    ] as const) {
      const path = rawSafetensors(`empty-start-${name}.safetensors`, header, new Uint8Array(8));
      expect(readTensorFileLayout(path).tensors).toHaveLength(2);
    }
  });
});

describe('file entry points refuse what is not a path or an options object', () => {
  const calls: [string, () => unknown, RegExp][] = [
    ['TensorFile.open(undefined)', () => TensorFile.open(undefined as never), / for path but received undefined/],
    ['TensorFile.open(7)', () => TensorFile.open(7 as never), / for path but received 7/],
    ['readTensorFileLayout("")', () => readTensorFileLayout(''), / for path but received ""/],
    ['a path with a NUL byte', () => readTensorFileLayout('a\0.npy'), / for path but received/],
    ['writeTensorFile(null, …)', () => writeTensorFile(null as never, []), / for path but received null/],
    ['a name without an extension', () => readTensorFileLayout('ro'), /received "ro", which has no extension$/],
    ['another extension', () => readTensorFileLayout('u.txt'), /received "u.txt", whose extension is ".txt"$/],
    ['a folder', () => writeTensorFile('out.d/', []), /received "out.d\/", a folder$/],
    ['MappedFile.open(undefined)', () => MappedFile.open(undefined as never), / for path but received undefined/],
    [
      'a misspelt map option',
      () => MappedFile.open(join(dir, 'x.bin'), { ofset: 4 } as never),
      /options\.ofset but received an unknown option/,
    ],
    [
      'a writable option that is not a boolean',
      () => MappedFile.open(join(dir, 'x.bin'), { writable: 'yes' } as never),
      /true or false for options\.writable/,
    ],
  ];
  for (const [what, call, message] of calls) {
    it(`${what} is INVALID_ARGUMENT`, () => {
      let error: unknown;
      try {
        call();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CocogenError);
      expect((error as CocogenError).code).toBe('INVALID_ARGUMENT');
      expect((error as CocogenError).message).toMatch(message);
    });
  }
});
