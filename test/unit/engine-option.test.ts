// The one form in which domain code runs on an engine, fn(input, { engine }) (docs/architecture.md): the engine's
// kernels give what the reference gives, a bad or disposed engine and unknown keys are typed errors, and the
// deprecated aliases of the earlier forms give the same results.
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine, Engine, payoffMatrix as rootPayoffMatrix } from '../../src/index.js';
import { labelCountsOn, shardLabelCounts } from '../../src/fl/federation.js';
import { PpcaGenerator } from '../../src/fl/generator.js';
import { createModel } from '../../src/fl/models.js';
import { federatedRound, trainLocal, trainLocalOn } from '../../src/fl/train.js';
import { createGameModel } from '../../src/game/model.js';
import { coalitionGame, coalitionValues, coalitionValuesOn } from '../../src/incentive/coalition-values.js';
import { initialSkew, initialSkewOn } from '../../src/game/heterogeneity.js';
import { payoffMatrix } from '../../src/game/payoff-matrix.js';
import { randomScenario } from '../../src/game/random-scenario.js';
import { solveEquilibrium } from '../../src/game/solve-equilibrium.js';
import { Random } from '../../src/util/random.js';
import { expectClose } from '../support/expect-close.js';

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

describe('trainLocal and federatedRound with { engine }', () => {
  const model = createModel({ kind: 'softmax', inputs: 4, classes: 2 });
  const rng = new Random(8);
  const y = Uint8Array.from({ length: 40 }, (_, i) => i % 2);
  const x = Float32Array.from({ length: 160 }, (_, k) => (y[Math.floor(k / 4)] ? 1 : -1) + 0.3 * rng.normal());
  const data = { x, y };
  const recipe = { model, epochs: 2, batchSize: 8, learningRate: 0.1, seed: 4 };
  const init = model.init(new Random(1));

  it('train the same on the js engine as the reference, and through the deprecated trainLocalOn', async () => {
    const reference = trainLocal(init, data, recipe);
    const onEngine = await trainLocal(init, data, { ...recipe, engine });
    expect(onEngine.params).toEqual(reference.params);
    expect((await trainLocalOn(engine, init, data, recipe)).params).toEqual(reference.params);
  });

  it('average the same with the engine as an option, without one, and in the deprecated positional form', async () => {
    const orgs = [{ real: data }, { real: { x: x.subarray(0, 40), y: y.subarray(0, 10) } }];
    const a = await federatedRound(init, orgs, { ...recipe, engine, trainOnEngine: true });
    const b = await federatedRound(init, orgs, recipe);
    const c = await federatedRound(engine, init, orgs, recipe);
    expect(a.params).toEqual(b.params);
    expect(c.params).toEqual(b.params);
    await expect(federatedRound(init, orgs, { ...recipe, engine: await disposedEngine() })).rejects.toMatchObject({
      code: 'DISPOSED',
    });
  });
});

describe('coalitionValues(game, masks, { engine })', () => {
  const game = coalitionGame(createGameModel(randomScenario({ n: 4, classes: 3, seed: 2 })));

  it('gives the reference values for listed masks and for all masks, as the deprecated coalitionValuesOn does', async () => {
    const all = coalitionValues(game, 'all');
    expect(all).toHaveLength(16);
    expect(coalitionValues(game, [3, 15])).toEqual(Float64Array.of(all[3]!, all[15]!));
    // The kernel walks the range in Gray-code order with warm starts: the same optima to the KKT tolerance.
    expectClose(await coalitionValues(game, 'all', { engine }), all, { rtol: 1e-12, atol: 0 });
    expectClose(await coalitionValuesOn(engine, game, [3, 15]), Float64Array.of(all[3]!, all[15]!), {
      rtol: 1e-12,
      atol: 0,
    });
  });

  it('refuses unknown keys, naming them', () => {
    expect(() => coalitionValues(game, [1], { tolerence: 1e-9 } as never)).toThrow(/options\.tolerence/);
  });
});

describe('simulate and calibrate take { engine } too', () => {
  it('keep the deprecated positional form, and refuse a disposed engine', async () => {
    const { calibrate } = await import('../../src/fl/calibration.js');
    const { simulate } = await import('../../src/fl/simulation.js');
    const pool = { x: new Float32Array(0), y: new Uint8Array(0) };
    const gone = await disposedEngine();
    await expect(calibrate(pool, pool, { sizes: [10], alphas: [1], seed: 1, engine: gone })).rejects.toMatchObject({
      code: 'DISPOSED',
    });
    await expect(calibrate(pool, pool, null as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(simulate(gone, {} as never, {} as never, {} as never)).rejects.toMatchObject({ code: 'DISPOSED' });
  });
});
