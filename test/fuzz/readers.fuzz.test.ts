/**
 * The fuzz tier (seeded, bounded in time): the file readers and the scenario and flag parsers on mutated and random
 * input never throw anything but a CocogenError, and never hang. fast-check shrinks any failure to a small case and
 * prints its seed and path to replay it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { decimalNumber, numberListFlag, seedsFlag } from '../../src/cli/flags.js';
import { CocogenError } from '../../src/core/errors.js';
import { encodeIdx, parseIdx } from '../../src/fl/idx.js';
import { parseScenario } from '../../src/game/scenario.js';
import { npyHeader } from '../../src/interop/npy.js';
import { safetensorsHeader } from '../../src/interop/safetensors.js';
import { readTensorFileLayout } from '../../src/interop/tensor-file.js';
import { FUZZ } from './settings.js';

const dir = mkdtempSync(join(tmpdir(), 'cocogen-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `f`; passes when it returns or throws a CocogenError, fails on any other throw. */
function typedOrOk(f: () => unknown): boolean {
  try {
    f();
    return true;
  } catch (e) {
    if (e instanceof CocogenError) return true;
    throw e;
  }
}

/** A valid file's bytes with some bytes overwritten, some cut, or some appended. */
function mutated(valid: Uint8Array) {
  return fc
    .tuple(
      fc.array(fc.tuple(fc.nat({ max: valid.length - 1 }), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
      fc.nat({ max: valid.length }),
      fc.uint8Array({ maxLength: 16 }),
    )
    .map(([edits, cut, tail]) => {
      const bytes = valid.slice(0, Math.max(1, cut));
      for (const [at, v] of edits) if (at < bytes.length) bytes[at] = v;
      const out = new Uint8Array(bytes.length + tail.length);
      out.set(bytes);
      out.set(tail, bytes.length);
      return out;
    });
}

function withData(header: Uint8Array, floats: number): Uint8Array {
  const out = new Uint8Array(header.length + floats * 4);
  out.set(header);
  out.set(new Uint8Array(Float32Array.from({ length: floats }, (_, i) => i).buffer), header.length);
  return out;
}

describe('fuzz: tensor file readers', () => {
  const safetensors = withData(
    safetensorsHeader(
      [
        { name: 'w', shape: [2, 3] },
        { name: 'b', shape: [3] },
      ],
      { note: 'x' },
    ),
    9,
  );
  const npy = withData(npyHeader({ name: 'array', shape: [4, 2] }), 8);

  for (const [ext, valid] of [
    ['safetensors', safetensors],
    ['npy', npy],
  ] as const) {
    it(`.${ext}: a mutated file is read or refused with a CocogenError`, () => {
      let n = 0;
      fc.assert(
        fc.property(mutated(valid), (bytes) => {
          const path = join(dir, `f${n++ % 8}.${ext}`);
          writeFileSync(path, bytes);
          return typedOrOk(() => readTensorFileLayout(path));
        }),
        FUZZ,
      );
    });
  }

  it('IDX: a mutated file (gzip or raw) is parsed or refused with a CocogenError', () => {
    const raw = encodeIdx(
      [3, 2, 2],
      Uint8Array.from({ length: 12 }, (_, i) => i),
      false,
    );
    const gz = encodeIdx(
      [3, 2, 2],
      Uint8Array.from({ length: 12 }, (_, i) => i),
      true,
    );
    fc.assert(
      fc.property(fc.oneof(mutated(raw), mutated(gz), fc.uint8Array({ maxLength: 64 })), (bytes) =>
        typedOrOk(() => parseIdx(bytes, 'fuzz.idx')),
      ),
      FUZZ,
    );
  });
});

describe('fuzz: parsers', () => {
  const organization = fc.record(
    {
      id: fc.oneof(fc.string(), fc.constant('a'), fc.integer()),
      samples: fc.oneof(fc.double(), fc.constant(10), fc.string()),
      labelCounts: fc.oneof(
        fc.array(fc.oneof(fc.double(), fc.constant(5), fc.constant(null)), { maxLength: 3 }),
        fc.anything(),
      ),
      marketValue: fc.oneof(fc.double(), fc.constant(1)),
      costPerSample: fc.oneof(fc.double(), fc.constant(0.01)),
      maxSynthetic: fc.oneof(fc.double(), fc.constant(100)),
      privateGain: fc.oneof(fc.double(), fc.constant(0)),
    },
    { requiredKeys: [] },
  );
  it('a scenario of random fields is parsed or refused with INVALID_SCENARIO', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            organizations: fc.oneof(fc.array(organization, { maxLength: 3 }), fc.anything()),
            competition: fc.oneof(
              fc.record({ uniform: fc.oneof(fc.double(), fc.anything()) }),
              fc.array(fc.array(fc.oneof(fc.double(), fc.anything()), { maxLength: 3 }), { maxLength: 3 }),
            ),
            learningCurve: fc.oneof(
              fc.record({ floor: fc.double(), scale: fc.double(), exponent: fc.double(), heterogeneity: fc.double() }),
              fc.anything(),
            ),
            rivalry: fc.anything(),
            target: fc.anything(),
          },
          { requiredKeys: [] },
        ),
        (json) => {
          try {
            parseScenario(json);
            return true;
          } catch (e) {
            return e instanceof CocogenError && e.code === 'INVALID_SCENARIO';
          }
        },
      ),
      FUZZ,
    );
  });

  it('number and seed flags read a decimal number or refuse with INVALID_ARGUMENT', () => {
    const text = fc.oneof(
      fc.string(),
      fc.double().map(String),
      fc.constantFrom('0x10', '1e400', '-0', '.5', '1,,2', '3-1'),
    );
    fc.assert(
      fc.property(text, (t) => {
        const v = decimalNumber(t);
        if (!Number.isNaN(v) && !/^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(t)) return false;
        return (
          typedOrOk(() => numberListFlag(t, '--g', (x) => x >= 0, 'a number ≥ 0', [])) &&
          typedOrOk(() => seedsFlag(t, '--seeds'))
        );
      }),
      FUZZ,
    );
  });
});

it('the fuzz settings are seeded and bounded', () => {
  expect(FUZZ.seed).toBeTypeOf('number');
  expect(FUZZ.interruptAfterTimeLimit).toBeGreaterThan(0);
});
