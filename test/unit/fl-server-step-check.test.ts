// The FedAvg server-step check `cocogen demo` runs on every backend (src/fl/server-step-check.ts), on the JS engine.
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import { CocogenError } from '../../src/core/errors.js';
import { checkServerStep, serverStepCase } from '../../src/fl/server-step-check.js';

describe('serverStepCase', () => {
  it('draws one update per weight around a common direction, with the exact weighted mean', () => {
    const c = serverStepCase([3, 1], 1000, 7);
    expect(c.updates).toHaveLength(2);
    expect(c.updates[0]).toHaveLength(1000);
    expect(c.weights).toEqual([3, 1]);
    for (const i of [0, 499, 999]) {
      const exact = 0.75 * c.updates[0]![i]! + 0.25 * c.updates[1]![i]!;
      expect(c.reference[i]).toBeCloseTo(exact, 15);
      expect(c.magnitude[i]).toBeCloseTo(0.75 * Math.abs(c.updates[0]![i]!) + 0.25 * Math.abs(c.updates[1]![i]!), 15);
    }
    expect(serverStepCase([3, 1], 1000, 7)).toEqual(c);
    expect(serverStepCase([3, 1], 1000, 8).updates[0]).not.toEqual(c.updates[0]);
  });

  it('refuses empty or negative weights and a non-integer size', () => {
    for (const [w, p, name] of [
      [[], 10, 'weights'],
      [[1, -1], 10, 'weights'],
      [[1], 0, 'parameters'],
      [[1], 1.5, 'parameters'],
    ] as const) {
      const f = () => serverStepCase(w, p, 1);
      expect(f).toThrow(CocogenError);
      expect(f).toThrow(new RegExp(`for ${name} but`));
    }
  });
});

describe('checkServerStep', () => {
  it('times the JS backend and finds it exact to float32', async () => {
    const engine = await createEngine({ backend: 'js' });
    try {
      const r = await checkServerStep(engine, serverStepCase([1200, 800, 400], 5000, 1));
      expect(Object.keys(r)).toEqual(['backend', 'milliseconds', 'gbPerSecond', 'maxRelativeError']);
      expect(r.backend).toBe('js');
      expect(r.milliseconds).toBeGreaterThanOrEqual(0);
      expect(r.maxRelativeError).toBeLessThan(1e-6);
    } finally {
      engine.dispose();
    }
  });
});
