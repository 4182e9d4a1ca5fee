import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEngine, type BackendChoice } from '../../engine/engine.js';
import { invalidArgumentText } from '../../core/errors.js';
import { compareSeeds } from '../../fl/seed-comparison.js';
import { seedComparisonCsv } from '../../fl/seed-comparison-results.js';
import { simulationResultJSON } from '../../fl/simulation-results.js';
import {
  DEFAULT_VALIDATION,
  stateFromJSON,
  stateToJSON,
  type SimulationConfig,
  type SimulationState,
} from '../../fl/simulation.js';
import { STRATEGIES } from '../../fl/strategies.js';
import { seedComparisonSvg } from '../../plot/seed-figures.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { backendFlag, integerFlag, noPositionals, outDirFlag, seedsFlag } from '../flags.js';
import { counted, formatSeconds, type Io } from '../output.js';
import { createProgress } from '../progress.js';
import { seedComparisonReport } from '../seed-report.js';
import { simulationReport } from '../simulation-report.js';
import { configFromFlags, filesIn, loadData, simulateInto, writeResults } from '../simulation-run.js';

export const SIMULATE_HELP = `cocogen simulate --out DIR [--orgs N] [--rounds T] [--alpha A] [--competition G] [--seed S | --seeds LIST]
                 [--dataset fashion-mnist|mnist] [--data DIR] [--backend B] [--model softmax|mlp|cnn]
                 [--strategies LIST] [--curve FILE] [--cost C] [--cap X] [--rivalry L] [--epochs E] [--pool P]
                 [--recalibrate none|online] [--validation V] [--json]
cocogen simulate --resume DIR [--rounds T] [--out DIR] [--backend B] [--json]
  Federated training on real Fashion-MNIST or MNIST with a real generator (DESIGN §5): N organizations get
  Dirichlet(A) label-skewed shards; every round the game (uniform competition G, rivalry L, cost C per synthetic
  sample, cap X·d_n, market value 1) decides from the calibrated learning curve how much each generates — strategies
  vcfl (none), wco (competition-oblivious), radg (random), equilibrium, mechanism (the social optimum, the
  operating point of welfare sharing) — each generates with PPCA fitted on the public split (its label mix
  moves toward uniform), trains E local epochs, FedAvg aggregates on the engine, and the global model is
  tested. All strategies run on the same seeds. Utilities are the game's U_n with the MEASURED performance
  (ln 10 − test loss) beside the curve's prediction; gains are against VCFL in the same round.
  Writes to DIR after every round (atomically): checkpoint.json, simulation.json, simulation.csv,
  accuracy.svg (test accuracy and loss vs round, a line per strategy), gain.svg (predicted vs realized gain).
  --resume DIR continues a killed run from DIR/checkpoint.json (its config and backend; --rounds may extend it);
  finished rounds are neither redone nor lost, and the result equals an uninterrupted run.
  --curve FILE: calibration.json from cocogen calibrate on the run's dataset (or { floor, scale, exponent,
  heterogeneity[, syntheticWorth] }); default: the curve built in for the dataset and model (calibrated on the
  dataset's shipped subset). --pool P trains on a seeded draw of P owned samples. --dataset fashion-mnist|mnist:
  the shipped subset of that dataset (data/<dataset>-subset), or what --data DIR holds (the four IDX files of
  either). A resumed run keeps its dataset.
  --recalibrate online: after each round, each strategy refits the curve to its own rounds so far — the global
  model's loss on a validation split of V public images that the server holds (--validation, default
  ${DEFAULT_VALIDATION}; the generator fits on the rest), never the test split — with the calibrated curve (and its
  standard errors) as the prior, and solves the next round's game on it. Default none: the calibrated curve.
  Defaults: --orgs 5 --rounds 5 --alpha 0.5 --competition 0.3 --rivalry 0 --seed 1 --model softmax
  --strategies ${STRATEGIES.join(',')} --cost 5e-5 --cap 1 --epochs 1 --recalibrate none --backend auto,
  --dataset fashion-mnist, its shipped subset.
  --json prints { config, strategies: { <name>: { rounds: [{ round, accuracy, loss, generated, utilities,
  … }], final: { accuracy, loss } } }, files }. Progress goes to stderr on a terminal only.
  --seeds LIST (e.g. 1-5 or 1,4,9) runs every strategy on each seed (DIR/seed-S/ holds that seed's files) and
  reports, paired by seed, the mean and 95 % Student-t interval of final accuracy, loss, realized and predicted
  gain, prediction error and measured welfare (mean over rounds of Σ U_n), the mechanism minus each baseline, and
  a verdict: DIR/seeds.json ({ config, seeds, level, summary, comparisons, verdict, runs }), seeds.csv, seeds.svg.`;

const CONFIG_FLAGS: [keyof SimulationConfig, string][] = [
  ['organizations', '--orgs'],
  ['alpha', '--alpha'],
  ['competition', '--competition'],
  ['rivalry', '--rivalry'],
  ['seed', '--seed'],
  ['strategies', '--strategies'],
  ['model', '--model'],
  ['epochs', '--epochs'],
  ['cost', '--cost'],
  ['cap', '--cap'],
  ['curve', '--curve'],
  ['dataset', '--dataset'],
  ['data', '--data'],
  ['pool', '--pool'],
  ['recalibrate', '--recalibrate'],
  ['validation', '--validation'],
];

/** What the flags ask for, checked; a resumed run's checkpoint with the config it continues under. */
interface SimulateRequest {
  out: string;
  resume: SimulationState | null;
  config: SimulationConfig;
  backend: BackendChoice;
  /** The testing hook --stop-after-round, or null. */
  stopAfter: number | null;
}

function simulateRequest(values: Record<string, unknown>, positionals: string[]): SimulateRequest {
  noPositionals(positionals, 'simulate');
  const stopAfter =
    values['stop-after-round'] === undefined
      ? null
      : integerFlag(values['stop-after-round'], '--stop-after-round', 1, 10_000, 1);
  let resume: SimulationState | null = null;
  let out: string;
  if (values.resume !== undefined) {
    const dir = values.resume;
    if (typeof dir !== 'string' || !existsSync(join(dir, 'checkpoint.json')))
      throw invalidArgumentText(
        '--resume',
        'a folder holding checkpoint.json from cocogen simulate',
        `${JSON.stringify(dir)}, which has none`,
      );
    resume = stateFromJSON(readFileSync(join(dir, 'checkpoint.json'), 'utf8'), '--resume');
    out = values.out === undefined ? dir : outDirFlag(values.out, 'the simulation results');
  } else {
    out = outDirFlag(values.out, 'the simulation results');
  }
  const config = configFromFlags(values, resume ? resume.config : null);
  if (resume) {
    for (const [key, flag] of CONFIG_FLAGS) {
      if (JSON.stringify(config[key]) !== JSON.stringify(resume.config[key]))
        throw invalidArgumentText(
          flag,
          `the checkpoint's value ${JSON.stringify(resume.config[key])} (a resumed run keeps its config)`,
          JSON.stringify(values[flag.slice(2)] ?? config[key]),
        );
    }
    if (config.rounds < resume.completedRounds)
      throw invalidArgumentText(
        '--rounds',
        `at least the ${resume.completedRounds} rounds the checkpoint has finished`,
        String(config.rounds),
      );
    resume.config = config;
  }
  // A resumed run aggregates where the checkpoint's rounds did, unless told otherwise: backends round differently.
  const backend = backendFlag(values.backend, (resume?.backend as BackendChoice | undefined) ?? 'auto');
  return { out, resume, config, backend, stopAfter };
}

export async function simulateCommand(io: Io, values: Record<string, unknown>, positionals: string[]): Promise<number> {
  if (values.seeds !== undefined) return simulateSeeds(io, values, positionals);
  const json = Boolean(values.json);
  const { out, resume, config, backend, stopAfter } = simulateRequest(values, positionals);
  const resumedFrom = resume ? resume.completedRounds : null;
  const data = loadData(config);
  const t0 = performance.now();
  const engine = await createEngine({ backend });
  const files = filesIn(out);
  const progress = createProgress(io, 'simulate', config.rounds * config.strategies.length);
  let run: Awaited<ReturnType<typeof simulateInto>>;
  try {
    if (resume) progress.update(resume.completedRounds * config.strategies.length, 'resumed');
    run = await simulateInto(files, data, config, engine, {
      resume,
      stopAfter,
      onStep: (done, round, name) => progress.update(done, `round ${round} · ${name}`),
    });
  } finally {
    progress.done();
    engine.dispose();
  }
  const { state, meta } = run;
  // A resumed run that had nothing left to do still writes its results (perhaps to another --out).
  if (resumedFrom !== null && resumedFrom === config.rounds) {
    writeResults(files, state, meta);
    writeFileAtomic(files['checkpoint.json'], stateToJSON(state));
  }
  const seconds = (performance.now() - t0) / 1000;
  const summary = simulationResultJSON(state, meta);
  if (json) {
    io.out(JSON.stringify({ ...summary, files: Object.values(files), seconds }));
    return 0;
  }
  io.out(simulationReport(state, meta.generatorSeconds, engine.backend));
  io.out('');
  const resumed = resumedFrom === null ? '' : ` (continued after round ${resumedFrom})`;
  io.out(`Wrote ${Object.values(files).join(', ')} in ${formatSeconds(seconds)} s${resumed}.`);
  return 0;
}

const SEED_FILES = ['seeds.json', 'seeds.csv', 'seeds.svg'] as const;

/**
 * --seeds LIST: the same config on every seed, each seed's files in DIR/seed-<S>/ as a single run writes them, then
 * the paired statistics over seeds in DIR/seeds.json, seeds.csv and seeds.svg.
 */
async function simulateSeeds(io: Io, values: Record<string, unknown>, positionals: string[]): Promise<number> {
  noPositionals(positionals, 'simulate');
  for (const flag of ['seed', 'resume', 'stop-after-round'] as const) {
    if (values[flag] !== undefined)
      throw invalidArgumentText(
        '--seeds',
        `no --${flag} beside it${flag === 'resume' ? " (resume one seed's folder, DIR/seed-S)" : ''}`,
        `--seeds with --${flag}`,
      );
  }
  const seeds = seedsFlag(values.seeds, '--seeds');
  const out = outDirFlag(values.out, 'the simulation results');
  const base = configFromFlags(values, null);
  const backend = backendFlag(values.backend, 'auto');
  const json = Boolean(values.json);
  const t0 = performance.now();
  const perSeed = base.strategies.length * base.rounds;
  // Without a --pool draw the data does not depend on the seed: read once.
  const shared = base.pool === null ? loadData(base) : null;
  const engine = await createEngine({ backend });
  const progress = createProgress(io, 'simulate', seeds.length * perSeed);
  const runs: SimulationState[] = [];
  const dirs: Record<string, string> = {};
  try {
    for (const [i, seed] of seeds.entries()) {
      const config = { ...base, seed };
      dirs[seed] = join(out, `seed-${seed}`);
      const { state } = await simulateInto(filesIn(dirs[seed]), shared ?? loadData(config), config, engine, {
        resume: null,
        stopAfter: null,
        onStep: (done, round, name) => progress.update(i * perSeed + done, `seed ${seed} · round ${round} · ${name}`),
      });
      runs.push(state);
    }
  } finally {
    progress.done();
    engine.dispose();
  }
  const comparison = compareSeeds(runs);
  const { seed: _seed, ...config } = base;
  const result = { config, backend: engine.backend, ...comparison, runs: dirs };
  const files = Object.fromEntries(SEED_FILES.map((f) => [f, join(out, f)])) as Record<
    (typeof SEED_FILES)[number],
    string
  >;
  writeFileAtomic(files['seeds.json'], JSON.stringify(result, null, 1) + '\n');
  writeFileAtomic(files['seeds.csv'], seedComparisonCsv(comparison));
  writeFileAtomic(files['seeds.svg'], seedComparisonSvg(comparison, base));
  const seconds = (performance.now() - t0) / 1000;
  if (json) {
    io.out(JSON.stringify({ ...result, files: Object.values(files), seconds }));
    return 0;
  }
  io.out(seedComparisonReport(comparison, base, engine.backend));
  io.out('');
  io.out(
    `Wrote ${Object.values(files).join(', ')} and ${counted(seeds.length, 'run folder')} in ${formatSeconds(seconds)} s.`,
  );
  return 0;
}
