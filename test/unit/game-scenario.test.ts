// Scenario input (DESIGN §3.1): defaults, representation, and one validation error per rule, each naming the
// organization (index and id), the field and the rule.
import { describe, expect, it } from 'vitest';
import { CocogenError } from '../../src/core/errors.js';
import { buildScenario, parseScenario, scenarioToJSON, type ScenarioInput } from '../../src/game/index.js';
import { SCENARIO_BOUNDS } from '../../src/game/scenario.js';
import { solveGame } from '../../src/game/solve-game.js';
import { firstNonFinite, requireFinite } from '../../src/util/finite.js';

function base(): ScenarioInput {
  return {
    organizations: [
      {
        id: 'h-a',
        samples: 100,
        labelCounts: [50, 30, 20],
        marketValue: 1000,
        costPerSample: 0.001,
        maxSynthetic: 500,
      },
      {
        id: 'h-b',
        samples: 60,
        labelCounts: [0, 0, 60],
        marketValue: 800,
        costPerSample: 0.002,
        maxSynthetic: 300,
        privateGain: 0.02,
      },
      { id: 'h-c', samples: 40, labelCounts: [10, 10, 20], marketValue: 500, costPerSample: 0, maxSynthetic: 0 },
    ],
    competition: { uniform: 0.4 },
    learningCurve: { floor: 0.3, scale: 3, exponent: 0.3, heterogeneity: 0.4 },
  };
}

/** Runs parseScenario on a mutated base and returns the error it must throw. */
function errorOf(mutate: (s: any) => void): CocogenError {
  const s = structuredClone(base()) as any;
  mutate(s);
  try {
    parseScenario(s);
  } catch (e) {
    expect(e).toBeInstanceOf(CocogenError);
    expect((e as CocogenError).code).toBe('INVALID_SCENARIO');
    return e as CocogenError;
  }
  throw new Error('expected INVALID_SCENARIO');
}

describe('parseScenario', () => {
  it('applies the documented defaults', () => {
    const s = parseScenario(base());
    expect(s.n).toBe(3);
    expect(s.classes).toBe(3);
    expect(Array.from(s.privateGain)).toEqual([0, 0.02, 0]);
    expect(s.rivalry).toBe(0);
    expect(s.target).toBe('uniform');
    expect(Array.from(s.targetDistribution)).toEqual([1 / 3, 1 / 3, 1 / 3]);
    expect(s.learningCurve.reference).toBeCloseTo(Math.log(3), 15);
    expect(s.competition).toEqual({ kind: 'uniform', intensity: 0.4 });
    expect(s.samples).toBeInstanceOf(Float64Array);
  });

  it('reads a dense matrix, a pooled or explicit target and an explicit reference', () => {
    const input = base();
    input.competition = [
      [0, 0.1, 0.2],
      [0.3, 0, 0],
      [0, 0.5, 0],
    ];
    input.target = 'pooled';
    input.rivalry = 1;
    input.learningCurve.reference = 2;
    const s = parseScenario(input);
    expect(s.competition.kind).toBe('matrix');
    if (s.competition.kind === 'matrix') expect(s.competition.gamma[1 * 3 + 0]).toBe(0.3);
    expect(Array.from(s.targetDistribution)).toEqual([60 / 200, 40 / 200, 100 / 200]);
    expect(s.learningCurve.reference).toBe(2);
    input.target = [0.2, 0.3, 0.5];
    expect(Array.from(parseScenario(input).targetDistribution)).toEqual([0.2, 0.3, 0.5]);
  });

  it('round-trips through scenarioToJSON', () => {
    const input = base();
    input.competition = [
      [0, 0.1, 0.2],
      [0.3, 0, 0],
      [0, 0.5, 0],
    ];
    const s = parseScenario(input);
    expect(parseScenario(JSON.parse(JSON.stringify(scenarioToJSON(s))))).toEqual(s);
  });

  it('builds the same scenario from columns', () => {
    const s = buildScenario({
      ids: ['h-a', 'h-b', 'h-c'],
      classes: 3,
      samples: new Float64Array([100, 60, 40]),
      labelCounts: [50, 30, 20, 0, 0, 60, 10, 10, 20],
      marketValue: [1000, 800, 500],
      costPerSample: [0.001, 0.002, 0],
      maxSynthetic: [500, 300, 0],
      privateGain: [0, 0.02, 0],
      competition: { uniform: 0.4 },
      learningCurve: { floor: 0.3, scale: 3, exponent: 0.3, heterogeneity: 0.4 },
    });
    expect(s).toEqual(parseScenario(base()));
  });

  const orgRules: [string, (s: any) => void, RegExp][] = [
    [
      'negative samples',
      (s) => (s.organizations[1].samples = -5),
      /\(0, 1e12\] for organizations\[1\] \("h-b"\)\.samples but received -5/,
    ],
    ['zero samples', (s) => (s.organizations[0].samples = 0), /organizations\[0\] \("h-a"\)\.samples/],
    [
      'NaN market value',
      (s) => (s.organizations[2].marketValue = NaN),
      /organizations\[2\] \("h-c"\)\.marketValue.*NaN/,
    ],
    ['string cost', (s) => (s.organizations[0].costPerSample = '1'), /"h-a"\)\.costPerSample.*a number/],
    [
      'negative cost',
      (s) => (s.organizations[0].costPerSample = -1),
      /\[0, 1e12\] for organizations\[0\] \("h-a"\)\.costPerSample but received -1/,
    ],
    ['negative maxSynthetic', (s) => (s.organizations[1].maxSynthetic = -1), /"h-b"\)\.maxSynthetic/],
    [
      'infinite maxSynthetic',
      (s) => (s.organizations[1].maxSynthetic = Infinity),
      /\[0, 1e12\] for organizations\[1\] \("h-b"\)\.maxSynthetic but received Infinity/,
    ],
    ['negative privateGain', (s) => (s.organizations[2].privateGain = -0.1), /"h-c"\)\.privateGain/],
    [
      'counts not summing to samples',
      (s) => (s.organizations[0].labelCounts = [50, 30, 21]),
      /"h-a"\)\.labelCounts.*sum to samples \(100\).*101/,
    ],
    ['negative count', (s) => (s.organizations[2].labelCounts = [-10, 30, 20]), /"h-c"\)\.labelCounts\[0\]/],
    [
      'wrong number of classes',
      (s) => (s.organizations[1].labelCounts = [30, 30]),
      /organizations\[1\] \("h-b"\)\.labelCounts.*length 3/,
    ],
    [
      'duplicate id',
      (s) => (s.organizations[2].id = 'h-a'),
      /organizations\[2\] \("h-a"\)\.id.*unique.*organizations\[0\]/,
    ],
    ['missing id', (s) => delete s.organizations[1].id, /organizations\[1\]\.id.*non-empty string/],
    ['unknown field', (s) => (s.organizations[1].privateGains = 1), /"h-b"\)\.privateGains/],
  ];
  it.each(orgRules)('rejects %s, naming the organization and field', (_name, mutate, pattern) => {
    const e = errorOf(mutate);
    for (const part of pattern.source.split('.*')) expect(e.message).toMatch(new RegExp(part));
    expect(e.message).toMatch(/^Expected /);
    expect(e.details?.organization).toBeDefined();
  });

  const globalRules: [string, (s: any) => void, RegExp][] = [
    ['no organizations', (s) => (s.organizations = []), /organizations.*non-empty/],
    [
      'non-square matrix',
      (s) =>
        (s.competition = [
          [0, 1, 0],
          [0, 0],
          [0, 0, 0],
        ]),
      /competition\[1\] \(row of "h-b"\).*square/,
    ],
    ['wrong row count', (s) => (s.competition = [[0, 1, 0]]), /competition.*3 rows/],
    [
      'non-zero diagonal',
      (s) =>
        (s.competition = [
          [0, 1, 0],
          [0, 0.2, 0],
          [0, 0, 0],
        ]),
      /competition\[1\]\[1\].*diagonal/,
    ],
    [
      'negative gamma',
      (s) =>
        (s.competition = [
          [0, -1, 0],
          [0, 0, 0],
          [0, 0, 0],
        ]),
      /competition\[0\]\[1\] \("h-a" vs "h-b"\).*≥ 0/,
    ],
    [
      'NaN gamma',
      (s) =>
        (s.competition = [
          [0, NaN, 0],
          [0, 0, 0],
          [0, 0, 0],
        ]),
      /competition\[0\]\[1\].*NaN/,
    ],
    ['negative uniform', (s) => (s.competition = { uniform: -0.1 }), /competition\.uniform/],
    ['missing competition', (s) => delete s.competition, /competition/],
    ['rivalry above 1', (s) => (s.rivalry = 1.5), /rivalry.*\[0, 1\].*1\.5/],
    ['negative rivalry', (s) => (s.rivalry = -0.1), /rivalry/],
    ['target not summing to 1', (s) => (s.target = [0.5, 0.5, 0.5]), /target.*distribution/],
    ['target of wrong length', (s) => (s.target = [0.5, 0.5]), /target/],
    ['unknown target name', (s) => (s.target = 'balanced'), /target/],
    ['negative target entry', (s) => (s.target = [1.5, -0.5, 0]), /target\[1\]/],
    ['missing learning curve', (s) => delete s.learningCurve, /learningCurve/],
    [
      'non-positive exponent',
      (s) => (s.learningCurve.exponent = 0),
      /\(0, 10\] for learningCurve\.exponent but received 0/,
    ],
    ['NaN reference', (s) => (s.learningCurve.reference = NaN), /learningCurve\.reference/],
    ['unknown top-level field', (s) => (s.rivalery = 0.5), /rivalery/],
  ];
  it.each(globalRules)('rejects %s', (_name, mutate, pattern) => {
    // The template is `Expected <rule> for <path> but received <value>`: check each part, in any order.
    const message = errorOf(mutate).message;
    for (const part of pattern.source.split('.*')) expect(message).toMatch(new RegExp(part));
  });

  it('rejects a flat matrix in JSON but accepts one from columns', () => {
    expect(errorOf((s) => (s.competition = [0, 1, 0, 0, 0, 0, 0, 0, 0])).message).toMatch(/competition/);
  });

  it('rejects non-objects', () => {
    expect(() => parseScenario(null)).toThrow(CocogenError);
    expect(() => parseScenario([])).toThrow(/scenario/);
  });
});

describe('strict JSON types: no value is coerced into a number', () => {
  const matrix = () => [
    [0, 0.1, 0.2],
    [0.1, 0, 0.3],
    [0.2, 0.3, 0],
  ];
  for (const [label, bad] of [
    ['null', null],
    ['true', true],
    ['the string "0.1"', '0.1'],
    ['an empty array', []],
    ['the array [0.1]', [0.1]],
  ] as const) {
    it(`a competition entry that is ${label} is refused, naming competition[i][j]`, () => {
      const offDiagonal = errorOf((s) => {
        s.competition = matrix();
        s.competition[0][1] = bad;
      });
      expect(offDiagonal.message).toMatch(/^Expected a finite number for competition\[0\]\[1\] \("h-a" vs "h-b"\)/);
      const diagonal = errorOf((s) => {
        s.competition = matrix();
        s.competition[2][2] = bad;
      });
      expect(diagonal.message).toMatch(/^Expected a finite number for competition\[2\]\[2\]/);
    });
  }

  it('buildScenario refuses a column entry that is not a number, naming its index', () => {
    const columns = {
      ids: ['a', 'b'],
      classes: 2,
      samples: [10, 10],
      labelCounts: [5, 5, 9, 1],
      marketValue: [1, 1],
      costPerSample: [0, 0],
      maxSynthetic: [100, 100],
      competition: { uniform: 0.2 },
      learningCurve: { floor: 0.3, scale: 3, exponent: 0.3, heterogeneity: 0.4 },
    };
    expect(buildScenario(columns).n).toBe(2);
    for (const [field, value] of [
      ['samples', [10, '10']],
      ['marketValue', [null, 1]],
      ['maxSynthetic', [100, true]],
      ['labelCounts', [5, 5, [9], 1]],
    ] as const) {
      let error: unknown;
      try {
        buildScenario({ ...columns, [field]: value } as never);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CocogenError);
      expect((error as CocogenError).code).toBe('INVALID_SCENARIO');
      expect((error as CocogenError).message).toMatch(new RegExp(`^Expected a number for ${field}\\[\\d\\]`));
    }
    // A flat N×N competition array is read as strictly as rows are.
    expect(() => buildScenario({ ...columns, competition: [0, null, 0.1, 0] } as never)).toThrow(
      /competition\[0\]\[1\]/,
    );
  });
});

describe('documented ranges (SCENARIO_BOUNDS): magnitudes the solvers keep finite', () => {
  const b = SCENARIO_BOUNDS;
  const org = (field: string, v: number) => (s: any) => {
    s.organizations[1][field] = v;
    if (field === 'samples') s.organizations[1].labelCounts = [0, 0, v];
  };
  it('refuses a value beyond its range, naming the field and the range', () => {
    const cases: [(s: any) => void, RegExp][] = [
      [org('marketValue', 1e200), /\[1e-12, 1e12\] for organizations\[1\] \("h-b"\)\.marketValue but received 1e\+200/],
      [org('marketValue', 1e-13), /organizations\[1\] \("h-b"\)\.marketValue/],
      [org('privateGain', 1e300), /\[0, 1e12\] for organizations\[1\] \("h-b"\)\.privateGain/],
      [org('costPerSample', 2e12), /costPerSample/],
      [org('maxSynthetic', 1e100), /maxSynthetic/],
      [org('samples', 1e300), /\(0, 1e12\] for organizations\[1\] \("h-b"\)\.samples/],
      [(s) => (s.competition = { uniform: 1e7 }), /\[0, 1e6\] for competition\.uniform/],
      [
        (s) =>
          (s.competition = [
            [0, 1e7, 0],
            [0, 0, 0],
            [0, 0, 0],
          ]),
        /≤ 1e6 for competition\[0\]\[1\]/,
      ],
      [(s) => (s.learningCurve.scale = 1e300), /\(0, 1e12\] for learningCurve\.scale/],
      [(s) => (s.learningCurve.exponent = 11), /\(0, 10\] for learningCurve\.exponent/],
      [(s) => (s.learningCurve.reference = -1e7), /learningCurve\.reference/],
    ];
    for (const [mutate, message] of cases) expect(errorOf(mutate).message).toMatch(message);
  });

  it('accepts every value at its bound, and the solve stays finite there', () => {
    for (const [field, v] of [
      ['marketValue', b.marketValue.max],
      ['marketValue', b.marketValue.min],
      ['privateGain', b.privateGain],
      ['costPerSample', b.costPerSample],
      ['maxSynthetic', b.maxSynthetic],
      ['samples', b.samples],
    ] as [string, number][]) {
      const s = structuredClone(base()) as any;
      org(field, v)(s);
      const solution = solveGame(parseScenario(s));
      expect(firstNonFinite(solution), `${field} = ${v}`).toBeNull();
    }
  });
});

describe('firstNonFinite and requireFinite', () => {
  it('name the first NaN or ±Infinity anywhere in a result', () => {
    expect(firstNonFinite({ a: 1, b: [2, { c: Float64Array.of(1, NaN) }] })).toBe('b[1].c[1]');
    expect(firstNonFinite({ x: -Infinity })).toBe('x');
    expect(firstNonFinite({ ok: [1, 2], s: 'NaN', n: null })).toBeNull();
    expect(() => requireFinite({ equilibrium: { potential: NaN } }, 'The solve of s.json')).toThrow(
      /The solve of s\.json produced a non-finite equilibrium\.potential/,
    );
  });
});
