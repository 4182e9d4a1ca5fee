// Every public function of the incentive and FL layers checks its arguments and options (docs/engine.md,
// "Errors"): a misspelt option key, null, a value of the wrong type or out of range, or a wrong argument where a
// scenario, a model or a result is expected is a CocogenError (INVALID_ARGUMENT) whose message names what is wrong,
// never a TypeError or a silently used default.
import { describe, expect, it } from 'vitest';
import { CocogenError } from '../../src/core/errors.js';
import { createGameModel, randomScenario } from '../../src/game/index.js';
import {
  efficiencyOf,
  analyzeRound,
  checkCoalition,
  coalitionGame,
  compareSchemes,
  exactShapleyFromValues,
  largestSustainableCoalition,
  mechanismToJSON,
  monteCarloShapley,
  positivePartWeights,
  propertyReport,
  restrictScenario,
  scoreScheme,
  shapleyValues,
  simulateRounds,
  surplusSplit,
  symmetryClasses,
  welfareSharing,
} from '../../src/incentive/index.js';
import {
  curveInputOf,
  federationHeterogeneity,
  gameHeterogeneity,
  generationVsCompetitionSvg,
  generationVsSkewSvg,
  planStrategies,
  roundPreservingSum,
  strategyAmounts,
  sweepCostLabel,
  sweepHold,
  welfareSvg,
  withSynthetic,
  calibrate,
  generatorQuality,
  PpcaGenerator,
  checkSimulationConfig,
  compareSeeds,
  concatSamples,
  createModel,
  dirichletPartition,
  evaluate,
  federatedRound,
  featuresOf,
  fitLearningCurve,
  labelCountsFromDirichlet,
  labelHistogram,
  partitionByLabelCounts,
  partitionFederation,
  powerLawSizes,
  refitCurve,
  selectSamples,
  setUpSimulation,
  simulate,
  SIMULATION_DEFAULTS,
  SUBSET_SOFTMAX_CURVE,
  trainLocal,
  type SimulationConfig,
} from '../../src/index.js';
import { Random } from '../../src/util/random.js';

const sc = randomScenario({ n: 3, classes: 4, seed: 1 });
const model = createGameModel(sc);
const game = coalitionGame(model);
const mech = welfareSharing(sc);
const analysis = mech.analysis;

const net = createModel({ kind: 'softmax', inputs: 4, classes: 4 });
const params = net.init(new Random(0));
const pool = { x: new Float32Array(40 * 4).fill(0.5), y: Uint8Array.from({ length: 40 }, (_, i) => i % 4) };
const recipe = { model: net, epochs: 1, batchSize: 8, learningRate: 0.1, seed: 1 };
const points = [100, 200, 400, 800].map((size, i) => ({ size, heterogeneity: i / 10, loss: 2 / Math.sqrt(size) }));
const config: SimulationConfig = {
  ...SIMULATION_DEFAULTS,
  curve: { ...SUBSET_SOFTMAX_CURVE },
  curveSource: 'test',
  curveUncertainty: null,
};

/** A bad call, the code it must throw and what its message must name. */
type Case = [label: string, call: () => unknown, names: RegExp, code?: 'INVALID_ARGUMENT' | 'INVALID_SCENARIO'];

const INCENTIVE: Case[] = [
  ['efficiencyOf: NaN', () => efficiencyOf(NaN, 1), /efficiencyOf/],
  ['shapleyValues: misspelt key', () => shapleyValues(model, { exactLimt: 3 } as never), /options\.exactLimt/],
  ['shapleyValues: null tolerance', () => shapleyValues(model, { tolerance: null } as never), /options\.tolerance/],
  ['shapleyValues: string seed', () => shapleyValues(model, { seed: '1' } as never), /options\.seed/],
  ['shapleyValues: NaN target', () => shapleyValues(model, { targetRelativeError: NaN }), /targetRelativeError/],
  ['shapleyValues: exactLimit 27', () => shapleyValues(model, { exactLimit: 27 }), /options\.exactLimit/],
  ['shapleyValues: options not an object', () => shapleyValues(model, 3 as never), /for options/],
  [
    'monteCarloShapley: misspelt key',
    () => monteCarloShapley(game, null, { maxPermutation: 9 } as never),
    /maxPermutation\b/,
  ],
  ['monteCarloShapley: 0.5 orders', () => monteCarloShapley(game, null, { minPermutations: 0.5 }), /minPermutations/],
  ['monteCarloShapley: no game', () => monteCarloShapley(undefined as never, null), /for game/],
  ['monteCarloShapley: bad classes', () => monteCarloShapley(game, [0, 0, 1] as never), /for classes/],
  ['exactShapleyFromValues: no values', () => exactShapleyFromValues(undefined as never, 2), /for v/],
  ['exactShapleyFromValues: n = -1', () => exactShapleyFromValues(new Float64Array(1), -1), /for n/],
  ['analyzeRound: misspelt key', () => analyzeRound(sc, { tolerence: 1e-9 } as never), /options\.tolerence/],
  ['analyzeRound: null seed', () => analyzeRound(sc, { seed: null } as never), /options\.seed/],
  ['analyzeRound: shapley key', () => analyzeRound(sc, { shapley: { sed: 1 } } as never), /options\.shapley\.sed/],
  ['analyzeRound: shapley null', () => analyzeRound(sc, { shapley: null } as never), /options\.shapley/],
  ['welfareSharing: misspelt key', () => welfareSharing(sc, { share: 'equal' } as never), /options\.share\b/],
  ['welfareSharing: weight 2', () => welfareSharing(sc, { contributionWeight: 2 }), /options\.contributionWeight/],
  [
    'welfareSharing: null weight',
    () => welfareSharing(sc, { contributionWeight: null } as never),
    /contributionWeight/,
  ],
  ['welfareSharing: string search', () => welfareSharing(sc, { searchCoalition: 'no' } as never), /searchCoalition/],
  ['welfareSharing: null shares', () => welfareSharing(sc, { shares: null } as never), /options\.shares/],
  ['welfareSharing: a number for the analysis', () => welfareSharing(sc, {}, undefined, 1 as never), /for analysis/],
  ['surplusSplit: theta 3', () => surplusSplit(1, [1, 2], [0, 1], 3), /for theta/],
  ['surplusSplit: NaN surplus', () => surplusSplit(NaN, [1, 2], [0, 1], 0.5), /for surplus/],
  ['surplusSplit: lengths differ', () => surplusSplit(1, [1, 2], [0], 0.5), /for compensation/],
  ['positivePartWeights: undefined', () => positivePartWeights(undefined as never), /for v/],
  ['simulateRounds: no rounds', () => simulateRounds(sc, {} as never), /options\.rounds/],
  ['simulateRounds: rounds "3"', () => simulateRounds(sc, { rounds: '3' } as never), /options\.rounds/],
  ['simulateRounds: misspelt key', () => simulateRounds(sc, { rounds: 1, round: 2 } as never), /options\.round\b/],
  ['simulateRounds: undefined options', () => simulateRounds(sc, undefined as never), /options\.rounds/],
  ['checkCoalition: tolerance 0', () => checkCoalition(sc, [0, 1], 0), /for tolerance/],
  ['checkCoalition: member 5 of 3', () => checkCoalition(sc, [0, 5]), /members\[1\]/],
  ['checkCoalition: no members', () => checkCoalition(sc, undefined as never), /for members/],
  ['largestSustainableCoalition: null', () => largestSustainableCoalition(null as never), /for scenario/],
  ['restrictScenario: repeated member', () => restrictScenario(sc, [1, 1]), /members\[1\]/],
  ['restrictScenario: no scenario', () => restrictScenario(undefined as never, [0]), /for scenario/],
  ['symmetryClasses: a scenario', () => symmetryClasses(sc as never), /for model/],
  ['coalitionGame: undefined', () => coalitionGame(undefined as never), /for model/],
  ['compareSchemes: no mechanism', () => compareSchemes(analysis, undefined as never), /for mechanism/],
  ['compareSchemes: no analysis', () => compareSchemes({} as never, mech), /for a\b/],
  ['scoreScheme: bad scheme', () => scoreScheme('best' as never, analysis, mech.x, mech.x, mech.x), /for scheme/],
  ['scoreScheme: short payoffs', () => scoreScheme('none', analysis, mech.x, mech.x, new Float64Array(1)), /payoffs/],
  ['propertyReport: null', () => propertyReport(null as never), /for mechanism/],
  ['mechanismToJSON: a number', () => mechanismToJSON(3 as never), /for mechanism/],
  ['mechanismToJSON: no analysis', () => mechanismToJSON({ ...mech, analysis: undefined } as never), /analysis/],
];

// A pool of varied pixels: PPCA needs more than one distinct sample per class.
const varied = { x: Float32Array.from({ length: 40 * 4 }, (_, i) => ((i * 37) % 11) / 11), y: pool.y };
const generator = PpcaGenerator.fit(varied, 4, { components: 1 });

const GAME: Case[] = [
  ['randomScenario: no options', () => randomScenario(undefined as never), /for options/],
  ['randomScenario: misspelt key', () => randomScenario({ n: 3, sed: 1 } as never), /options\.sed/],
  ['randomScenario: n missing', () => randomScenario({} as never), /options\.n/],
  ['randomScenario: n 1.5', () => randomScenario({ n: 1.5 }), /options\.n/],
  ['randomScenario: skew 0', () => randomScenario({ n: 3, skew: 0 }), /options\.skew/],
  ['randomScenario: competition', () => randomScenario({ n: 3, competition: 'full' as never }), /competition/],
  ['randomScenario: costFactor', () => randomScenario({ n: 3, costFactor: [3, 1] }), /options\.costFactor/],
];

const SMALL_PLAN = planStrategies(sc, ['vcfl'], 1);
const hold = { alpha: 1, cost: null, g: 0.3 };
const setting = { organizations: 3, base: null, seed: 1, cap: 100 };

const PLOT: Case[] = [
  ['sweepHold: no grid', () => sweepHold(undefined as never), /for grid/],
  ['sweepHold: empty alpha', () => sweepHold({ g: [0], rivalry: [0], alpha: [], cost: [null] }), /grid\.alpha/],
  ['sweepCostLabel: NaN', () => sweepCostLabel(NaN), /for cost/],
  ['welfareSvg: points not a list', () => welfareSvg({} as never, [0], hold, setting), /for points/],
  ['welfareSvg: NaN rivalry', () => welfareSvg([], [NaN], hold, setting), /rivalries\[0\]/],
  ['generationVsSkewSvg: no hold', () => generationVsSkewSvg([], [0], null as never, setting), /for ref/],
  ['generationVsCompetitionSvg: bad setting', () => generationVsCompetitionSvg([], [0], hold, {} as never), /setting/],
];

const FL: Case[] = [
  ['roundPreservingSum: negative', () => roundPreservingSum([1.5, -1], 1), /values\[1\]/],
  ['roundPreservingSum: total 1.5', () => roundPreservingSum([1.5, 1], 1.5), /for total/],
  ['curveInputOf: no fit', () => curveInputOf(undefined as never), /for fit/],
  ['curveInputOf: 1 class', () => curveInputOf(fitLearningCurve(points), 1), /for classes/],
  ['federationHeterogeneity: ragged', () => federationHeterogeneity([[1, 2], [3]]), /labelCounts\[1\]/],
  ['federationHeterogeneity: target', () => federationHeterogeneity([[1, 2]], [1]), /for target/],
  ['gameHeterogeneity: amounts', () => gameHeterogeneity([[1, 2]], [1, 2]), /for amounts/],
  ['gameHeterogeneity: NaN amount', () => gameHeterogeneity([[1, 2]], [NaN]), /amounts\[0\]/],
  ['planStrategies: no scenario', () => planStrategies({} as never, ['vcfl'], 1), /for scenario/],
  ['planStrategies: seed 0.5', () => planStrategies(sc, ['vcfl'], 0.5), /for seed/],
  ['strategyAmounts: no plan', () => strategyAmounts(null as never, 'vcfl', 0), /for plan/],
  ['strategyAmounts: round -1', () => strategyAmounts(SMALL_PLAN, 'vcfl', -1), /for round/],
  [
    'withSynthetic: not a generator',
    () => withSynthetic({ real: pool }, {} as never, 1, [0.25, 0.25, 0.25, 0.25], new Random(1)),
    /for generator/,
  ],
  [
    'withSynthetic: rng',
    () => withSynthetic({ real: pool }, generator, 1, [0.25, 0.25, 0.25, 0.25], 3 as never),
    /for rng/,
  ],
  ['generatorQuality: not a generator', () => generatorQuality({} as never, varied), /for generator/],
  ['generatorQuality: misspelt key', () => generatorQuality(generator, varied, { epoch: 1 } as never), /epoch\b/],
  [
    'generatorQuality: 0 per class',
    () => generatorQuality(generator, varied, { samplesPerClass: 0 }),
    /samplesPerClass/,
  ],
  ['generatorQuality: momentum 1', () => generatorQuality(generator, varied, { momentum: 1 }), /momentum/],
  ['generatorQuality: bad test', () => generatorQuality(generator, { x: new Float32Array(3) } as never), /test/],
  ['fitLearningCurve: misspelt key', () => fitLearningCurve(points, { maxIteration: 3 } as never), /maxIteration\b/],
  ['fitLearningCurve: null range', () => fitLearningCurve(points, { exponentRange: null } as never), /exponentRange/],
  ['fitLearningCurve: 0 iterations', () => fitLearningCurve(points, { maxIterations: 0 }), /options\.maxIterations/],
  ['fitLearningCurve: options a string', () => fitLearningCurve(points, 'fast' as never), /for options/],
  [
    'refitCurve: misspelt key',
    () => refitCurve(SUBSET_SOFTMAX_CURVE, null, [], { iterations: 2 } as never),
    /iterations/,
  ],
  ['refitCurve: NaN iterations', () => refitCurve(SUBSET_SOFTMAX_CURVE, null, [], { maxIterations: NaN }), /maxIter/],
  ['refitCurve: no prior', () => refitCurve(undefined as never, null, []), /for prior/],
  ['compareSeeds: misspelt key', () => compareSeeds([], { levl: 0.9 } as never), /options\.levl/],
  ['compareSeeds: null level', () => compareSeeds([], { level: null } as never), /options\.level/],
  ['compareSeeds: tolerance "x"', () => compareSeeds([], { tolerance: 'x' } as never), /options\.tolerance/],
  ['compareSeeds: a null run', () => compareSeeds([null as never]), /runs\[0\]/],
  ['partitionFederation: misspelt key', () => partitionFederation(pool, { ...fedOptions(), sed: 1 } as never), /sed\b/],
  ['partitionFederation: no seed', () => partitionFederation(pool, { organizations: 2, alpha: 1 } as never), /seed/],
  [
    'partitionFederation: organizations "2"',
    () => partitionFederation(pool, { ...fedOptions(), organizations: '2' } as never),
    /options\.organizations/,
  ],
  [
    'partitionFederation: minSamples -1',
    () => partitionFederation(pool, { ...fedOptions(), minSamples: -1 }),
    /options\.minSamples/,
  ],
  [
    'partitionFederation: powerLaw key',
    () => partitionFederation(pool, { ...fedOptions(), powerLaw: { exponnent: 1 } } as never),
    /options\.powerLaw\.exponnent/,
  ],
  ['partitionFederation: no pool', () => partitionFederation(undefined as never, fedOptions()), /for pool/],
  ['dirichletPartition: NaN seed', () => dirichletPartition(pool.y, 4, 2, 1, NaN), /for seed/],
  ['dirichletPartition: minSamples 0.5', () => dirichletPartition(pool.y, 4, 2, 1, 1, 0.5), /minSamples/],
  ['dirichletPartition: no labels', () => dirichletPartition(undefined as never, 4, 2, 1, 1), /for labels/],
  ['powerLawSizes: seed "1"', () => powerLawSizes(2, 10, 1, '1' as never), /for seed/],
  ['powerLawSizes: min -1', () => powerLawSizes(2, 10, 1, 1, -1), /for min/],
  ['labelCountsFromDirichlet: no sizes', () => labelCountsFromDirichlet(null as never, 4, 1, 1), /for sizes/],
  ['partitionByLabelCounts: NaN seed', () => partitionByLabelCounts(pool.y, 4, [[1, 1, 1, 1]], NaN), /for seed/],
  ['trainLocal: misspelt key', () => trainLocal(params, pool, { ...recipe, epoch: 2 } as never), /options\.epoch\b/],
  ['trainLocal: null momentum', () => trainLocal(params, pool, { ...recipe, momentum: null } as never), /momentum/],
  [
    'federatedRound: misspelt key',
    () => federatedRound(params, [{ real: pool }], { ...recipe, rond: 1 } as never),
    /rond/,
  ],
  [
    'federatedRound: trainOnEngine "yes"',
    () => federatedRound(params, [{ real: pool }], { ...recipe, trainOnEngine: 'yes' } as never),
    /options\.trainOnEngine/,
  ],
  ['evaluate: batchSize 0', () => evaluate(net, params, pool, 0), /for batchSize/],
  ['evaluate: no model', () => evaluate(undefined as never, params, pool), /for model/],
  ['evaluate: no params', () => evaluate(net, undefined as never, pool), /for params/],
  ['selectSamples: no indices', () => selectSamples(pool, undefined as never), /for indices/],
  ['concatSamples: a null part', () => concatSamples([pool, null as never]), /parts\[1\]/],
  ['featuresOf: undefined', () => featuresOf(undefined as never), /for samples/],
  ['labelHistogram: classes "4"', () => labelHistogram(pool.y, '4' as never), /for classes/],
  ['calibrate: misspelt key', () => calibrate(pool, pool, { ...calOptions(), seeds: [1] } as never), /options\.seeds/],
  ['calibrate: no seed', () => calibrate(pool, pool, { sizes: [10], alphas: [1] } as never), /options\.seed/],
  [
    'calibrate: organizations 0',
    () => calibrate(pool, pool, { ...calOptions(), organizations: 0 }),
    /options\.organizations/,
  ],
  [
    'calibrate: recipe key',
    () => calibrate(pool, pool, { ...calOptions(), recipe: { epoch: 2 } } as never),
    /options\.recipe\.epoch\b/,
  ],
  [
    'calibrate: recipe rounds 0.5',
    () => calibrate(pool, pool, { ...calOptions(), recipe: { rounds: 0.5 } }),
    /options\.recipe\.rounds/,
  ],
  ['calibrate: onPoint 1', () => calibrate(pool, pool, { ...calOptions(), onPoint: 1 } as never), /options\.onPoint/],
  ['calibrate: no pool', () => calibrate(undefined as never, pool, calOptions()), /for pool/],
  [
    'checkSimulationConfig: unknown key',
    () => checkSimulationConfig({ ...config, round: 3 } as never),
    /config\.round\b/,
  ],
  [
    'checkSimulationConfig: pool "all"',
    () => checkSimulationConfig({ ...config, pool: 'all' } as never),
    /config\.pool/,
  ],
  [
    'checkSimulationConfig: generator key',
    () => checkSimulationConfig({ ...config, generator: { components: 8, iteration: 6 } } as never),
    /config\.generator\.iteration\b/,
  ],
  [
    'checkSimulationConfig: curve null',
    () => checkSimulationConfig({ ...config, curve: null } as never),
    /config\.curve/,
  ],
  [
    'checkSimulationConfig: dataset "digits"',
    () => checkSimulationConfig({ ...config, dataset: 'digits' } as never),
    /config\.dataset/,
  ],
  [
    'checkSimulationConfig: no dataset',
    () => checkSimulationConfig({ ...config, dataset: undefined } as never),
    /config\.dataset/,
  ],
  ['setUpSimulation: no data', () => setUpSimulation(undefined as never, config), /for data/],
  ['simulate: misspelt key', () => simulate({} as never, {} as never, config, { onStp: () => {} } as never), /onStp/],
  [
    'simulate: onRound 1',
    () => simulate({} as never, {} as never, config, { onRound: 1 } as never),
    /options\.onRound/,
  ],
  ['simulate: no config', () => simulate({} as never, {} as never, undefined as never), /for config/],
  ['simulate: no setup', () => simulate({} as never, undefined as never, config), /for setup/],
];

function fedOptions() {
  return { organizations: 2, alpha: 1, seed: 1 };
}

function calOptions() {
  return { sizes: [10], alphas: [1], seed: 1 };
}

/** What `call` throws or rejects with (undefined when it does neither). */
async function failure(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (e) {
    return e;
  }
  return undefined;
}

for (const [layer, cases] of [
  ['game', GAME],
  ['figure', PLOT],
  ['incentive', INCENTIVE],
  ['federated learning', FL],
] as const) {
  describe(`${layer} entry points refuse bad arguments by name`, () => {
    it.each(cases)('%s', async (_label, call, names, code = 'INVALID_ARGUMENT') => {
      const e = await failure(call);
      expect(e).toBeInstanceOf(CocogenError);
      expect(e).toMatchObject({ code });
      expect((e as Error).message).toMatch(names);
    });
  });
}

describe('the checks leave good calls alone', () => {
  it('runs each hardened function on good arguments', async () => {
    expect(shapleyValues(model, { exactLimit: 0, seed: 2, maxPermutations: 8 }).method).toBe('monte-carlo');
    expect(analyzeRound(sc, { shapley: { seed: 3 } }).shapley.method).toBe('exact');
    expect(simulateRounds(sc, { rounds: 1, contributionWeight: 0.25 }).records.mechanism).toHaveLength(1);
    expect(restrictScenario(sc, [0, 2]).n).toBe(2);
    expect(partitionFederation(pool, { ...fedOptions(), powerLaw: { exponent: 1 } }).organizations).toHaveLength(2);
    const round = await federatedRound(params, [{ real: pool }], { ...recipe, round: 2, trainOnEngine: false });
    expect(round.params).toHaveLength(params.length);
    expect(() => checkSimulationConfig(config)).not.toThrow();
    expect(randomScenario({ n: 4, competition: 'matrix', costFactor: [0.5, 1] }).n).toBe(4);
    expect(
      (await generatorQuality(generator, varied, { samplesPerClass: 5, epochs: 1 })).synthetic.accuracy,
    ).toBeGreaterThanOrEqual(0);
  });
});
