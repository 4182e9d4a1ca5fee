// The one form in which domain code runs on an engine, fn(input, { engine }) (docs/architecture.md): the engine's
// kernels give what the reference gives, a bad or disposed engine and unknown keys are typed errors, and the
// deprecated aliases of the earlier forms give the same results.
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine, Engine, payoffMatrix as rootPayoffMatrix } from '../../src/index.js';
import { labelCountsOn, shardLabelCounts } from '../../src/fl/federation.js';
import { PpcaGenerator } from '../../src/fl/generator.js';
import { initialSkew, initialSkewOn } from '../../src/game/heterogeneity.js';
import { payoffMatrix } from '../../src/game/payoff-matrix.js';
import { randomScenario } from '../../src/game/random-scenario.js';
import { solveEquilibrium } from '../../src/game/solve-equilibrium.js';
import { Random } from '../../src/util/random.js';

const engine = await createEngine({ backend: 'js' });
afterAll(() => engine.dispose());

async function disposedEngine(): Promise<Engine> {
  const e = await createEngine({ backend: 'js' });
  e.dispose();
  return e;
}

describe('payoffMatrix(scenario, x, { engine })', () => {
  const sc = randomScenario({ n: 5, classes: 4, seed: 9 });
  const x = solveEquilibrium(sc).x;

  it('gives the same result with the engine, without one, and through the deprecated engine.payoffMatrix', async () => {
    const withEngine = await payoffMatrix(sc, x, { engine, gridSize: 9 });
    const reference = await payoffMatrix(sc, x, { gridSize: 9 });
    expect(withEngine).toEqual(reference);
    expect(rootPayoffMatrix).toBe(payoffMatrix);
    expect(await engine.payoffMatrix(sc, x, { gridSize: 9 })).toEqual(reference);
  });

  it('refuses an engine option that is not an Engine, naming it', async () => {
    await expect(payoffMatrix(sc, x, { engine: {} as Engine })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: /options\.engine/,
    });
  });

  it('throws DISPOSED on a disposed engine, in both forms', async () => {
    const e = await disposedEngine();
    await expect(payoffMatrix(sc, x, { engine: e })).rejects.toMatchObject({ code: 'DISPOSED' });
    await expect(e.payoffMatrix(sc, x)).rejects.toMatchObject({ code: 'DISPOSED' });
  });
});

describe('initialSkew(scenario, { engine })', () => {
  const sc = randomScenario({ n: 7, classes: 10, seed: 4 });

  it('resolves to the reference bits on js, as the deprecated initialSkewOn does', async () => {
    const reference = initialSkew(sc);
    expect(reference).toBeInstanceOf(Float64Array);
    expect(await initialSkew(sc, { engine })).toEqual(reference);
    expect(await initialSkewOn(engine, sc)).toEqual(reference);
  });

  it('refuses unknown keys and a disposed engine', async () => {
    expect(() => initialSkew(sc, { engin: engine } as never)).toThrow(/options\.engin\b/);
    await expect(initialSkew(sc, { engine: await disposedEngine() })).rejects.toMatchObject({ code: 'DISPOSED' });
  });
});

describe('shardLabelCounts(labels, indices, { engine, classes })', () => {
  const labels = Uint8Array.of(0, 1, 2, 2, 1, 0, 0, 3);
  const indices = [Int32Array.of(0, 1, 5), Int32Array.of(2, 3, 7), Int32Array.of()];
  const expected = [
    [2, 1, 0, 0],
    [0, 0, 2, 1],
    [0, 0, 0, 0],
  ];

  it('counts every shard, with or without an engine and through the deprecated labelCountsOn', async () => {
    expect(await shardLabelCounts(labels, indices, { classes: 4 })).toEqual(expected);
    expect(await shardLabelCounts(labels, indices, { classes: 4, engine })).toEqual(expected);
    expect(await labelCountsOn(engine, labels, indices, 4)).toEqual(expected);
  });

  it('refuses unknown keys, naming the key', async () => {
    await expect(shardLabelCounts(labels, indices, { classs: 4 } as never)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: /options\.classs/,
    });
  });
});

describe('PpcaGenerator.generate(counts, rng, { engine })', () => {
  const rng = new Random(3);
  const data = { x: new Float32Array(60 * 4), y: new Uint8Array(60) };
  for (let i = 0; i < 60; i++) {
    data.y[i] = i % 2;
    for (let j = 0; j < 4; j++) data.x[i * 4 + j] = rng.next();
  }
  const gen = PpcaGenerator.fit(data, 2, { components: 2, iterations: 3 });

  it('draws the same samples as the deprecated on(engine) adapter', async () => {
    const a = await gen.generate([3, 2], new Random(5), { engine });
    const b = await gen.on(engine).generate([3, 2], new Random(5));
    expect(a).toEqual(b);
  });

  it('refuses unknown keys and a disposed engine', async () => {
    expect(() => gen.generate([1, 1], new Random(5), { engines: engine } as never)).toThrow(/options\.engines/);
    await expect(gen.generate([1, 1], new Random(5), { engine: await disposedEngine() })).rejects.toMatchObject({
      code: 'DISPOSED',
    });
  });
});
