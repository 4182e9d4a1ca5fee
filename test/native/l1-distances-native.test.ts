/**
 * The native L1-distance kernel returns the bits of the plain-TS reference and of initialSkew on every instruction
 * set: the AVX2 path (4-row tiles in __m256d lanes, then the scalar rows % 4) and COCOGEN_NATIVE_ISA=scalar, with
 * rows not a multiple of 4, C = 1, 3, 10, 257, float64 and uint32 counts (uint32 ≥ 2^31 included), totals given and
 * not, zero rows (NaN), and the first bad count (negative, NaN, ±Infinity) reported as the reference reports it.
 */
import { describe, expect, it } from 'vitest';
import { l1DistancesReference } from '../../src/engine/kernels/l1-distances/reference.js';
import { initialSkew } from '../../src/game/heterogeneity.js';
import type { Scenario } from '../../src/game/scenario.js';
import { addon, runInChild } from './native-addon.js';

/**
 * JS source shared by this process and the child: `makeCases()` builds the inputs from a fixed seed. Rows span the
 * 8- and 4-row tiles, the scalar tail and the 256-row tasks; bad counts sit at the first, a middle and the last
 * element of a tile.
 */
const MAKE_CASES = `
function makeCases() {
  let s = 0x9e3779b9;
  const next = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 2 ** 32; };
  const cases = [];
  for (const classes of [1, 3, 10, 257]) {
    const target = Float64Array.from({ length: classes }, () => next() / classes);
    for (const rows of [1, 2, 3, 5, 7, 13, 523]) {
      for (const kind of ['f64', 'u32']) {
        for (const withTotals of [false, true]) {
          const counts = kind === 'f64' ? new Float64Array(rows * classes) : new Uint32Array(rows * classes);
          for (let i = 0; i < counts.length; i++) {
            const u = next();
            if (u < 0.15) counts[i] = 0;
            else if (kind === 'f64') counts[i] = u < 0.3 ? Math.floor(next() * 1000) : next() * 1e3 * u;
            else counts[i] = u < 0.2 ? 2 ** 31 + Math.floor(next() * 2 ** 31) : Math.floor(next() * 5000);
          }
          for (let r = 0; r < rows; r += 6) counts.fill(0, r * classes, (r + 1) * classes); // empty rows: NaN
          const totals = withTotals ? Float64Array.from({ length: rows }, () => 1 + next() * 1e4) : null;
          cases.push({ counts, target, totals, rows, classes });
        }
      }
      if (rows >= 5) {
        for (const bad of [-1, NaN, Infinity, -Infinity, -0]) {
          for (const at of [0, Math.floor(rows * classes / 2), rows * classes - 1]) {
            const counts = Float64Array.from({ length: rows * classes }, () => next() * 100);
            counts[at] = bad;
            if (at > 0) counts[at - 1] = bad === -0 ? -0 : 1; // a second, later bad value must not win
            counts[rows * classes - 1] = bad === -0 ? 0 : bad; // nor one in the last row
            cases.push({ counts, target, totals: null, rows, classes });
          }
        }
      }
    }
  }
  return cases;
}
`;

interface Case {
  counts: Float64Array | Uint32Array;
  target: Float64Array;
  totals: Float64Array | null;
  rows: number;
  classes: number;
}

const cases = new Function(`${MAKE_CASES}; return makeCases();`)() as Case[];

const PROBE = `
  ${MAKE_CASES}
  const results = [];
  for (const c of makeCases()) {
    const out = new Float64Array(c.rows), bad = new Float64Array(1);
    await addon.l1Distances(c.counts, c.target, c.totals, out, bad);
    results.push({ out: Buffer.from(out.buffer).toString('hex'), bad: bad[0] });
  }
  console.log(JSON.stringify({ simd: addon.buildInfo().simd, results }));
`;

/** initialSkew on the case: the scenario's samples are the totals, or the row sums in class order. */
function skewOf(c: Case): Float64Array {
  const samples = c.totals ?? new Float64Array(c.rows);
  if (!c.totals) {
    for (let n = 0; n < c.rows; n++) for (let k = 0; k < c.classes; k++) samples[n]! += c.counts[n * c.classes + k]!;
  }
  const scenario = { n: c.rows, classes: c.classes, labelCounts: c.counts, samples, targetDistribution: c.target };
  return initialSkew(scenario as unknown as Scenario);
}

function mismatches(report: { results: { out: string; bad: number }[] }): string[] {
  const found: string[] = [];
  expect(report.results.length).toBe(cases.length);
  cases.forEach((c, i) => {
    const got = report.results[i]!;
    const name = `case ${i} (${c.counts.constructor.name}, rows=${c.rows}, C=${c.classes}, totals=${!!c.totals})`;
    const ref = l1DistancesReference({
      counts: c.counts,
      name: 'counts',
      target: c.target,
      totals: c.totals,
      groups: c.rows,
      classes: c.classes,
    });
    if (got.bad !== ref.badCount) {
      found.push(`${name}: bad ${got.bad}, expected ${ref.badCount}`);
      return;
    }
    if (ref.badCount >= 0) return;
    const out = new Float64Array(new Uint8Array(Buffer.from(got.out, 'hex')).buffer);
    const skew = skewOf(c);
    for (let n = 0; n < c.rows; n++) {
      if (!Object.is(out[n], ref.distances[n]) || !Object.is(out[n], skew[n])) {
        found.push(`${name} row ${n}: ${out[n]}, reference ${ref.distances[n]}, initialSkew ${skew[n]}`);
        break;
      }
    }
  });
  return found;
}

describe.skipIf(!addon)('native l1Distances: bit-identical to the reference and initialSkew', () => {
  it('the cases cover tiles, tails, bad counts and uint32 ≥ 2^31', () => {
    expect(cases.some((c) => c.rows % 4 !== 0 && c.rows > 8)).toBe(true);
    expect(cases.some((c) => c.counts instanceof Uint32Array && c.counts.some((v) => v >= 2 ** 31))).toBe(true);
    expect(cases.filter((c) => c.counts.some((v) => !(v >= 0 && v < Infinity))).length).toBeGreaterThan(50);
  });

  for (const isa of ['scalar', 'avx2', undefined]) {
    it(`on ${isa ?? 'the detected ISA'} (child process)`, () => {
      const report = runInChild(PROBE, isa ? { COCOGEN_NATIVE_ISA: isa } : {}) as {
        simd: string[];
        results: { out: string; bad: number }[];
      };
      if (isa === 'scalar') expect(report.simd).toEqual(['scalar']);
      expect(mismatches(report)).toEqual([]);
    });
  }
});
