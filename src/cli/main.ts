import { parseArgs } from 'node:util';
import { CocogenError } from '../core/errors.js';
import { VERSION } from '../core/version.js';
import { INFO_HELP, infoCommand } from './commands/info.js';
import { DEMO_HELP, demoCommand } from './commands/demo.js';
import { SOLVE_HELP, solveCommand } from './commands/solve.js';
import { SWEEP_HELP, sweepCommand } from './commands/sweep.js';
import { ROUNDS_HELP, roundsCommand } from './commands/rounds.js';
import { CALIBRATE_HELP, calibrateCommand } from './commands/calibrate.js';
import { TRAIN_HELP, trainCommand } from './commands/train.js';
import { SIMULATE_HELP, simulateCommand } from './commands/simulate.js';
import { AGGREGATE_HELP, aggregateCommand } from './commands/aggregate.js';
import { STUDY_HELP, studyCommand } from './commands/study.js';
import { WORKER_HELP, workerCommand } from './commands/worker.js';
import { processIo, reportError, type Io } from './output.js';
import { noPositionals } from './flags.js';

const USAGE = `cocogen ${VERSION}: compute engine for coopetitive cross-silo federated learning

Usage: cocogen <command> [options]

Commands:
${[
  INFO_HELP,
  DEMO_HELP,
  SOLVE_HELP,
  SWEEP_HELP,
  ROUNDS_HELP,
  SIMULATE_HELP,
  CALIBRATE_HELP,
  TRAIN_HELP,
  AGGREGATE_HELP,
  STUDY_HELP,
]
  .map((h) => `  ${h.replace(/\n/g, '\n  ')}`)
  .join('\n\n')}

Every command takes --json for machine-readable output and --help.
Exit codes: 0 ok, 1 run-time failure, 2 bad input.`;

interface Command {
  help: string;
  options: NonNullable<Parameters<typeof parseArgs>[0]>['options'];
  run(io: Io, values: Record<string, unknown>, positionals: string[]): Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  info: {
    help: INFO_HELP,
    options: {},
    run: (io, v, p) => {
      noPositionals(p, 'info');
      return infoCommand(io, { json: Boolean(v.json) });
    },
  },
  demo: {
    help: DEMO_HELP,
    options: { backend: { type: 'string' }, seed: { type: 'string' } },
    run: (io, v, p) => {
      noPositionals(p, 'demo');
      return demoCommand(io, v);
    },
  },
  solve: {
    help: SOLVE_HELP,
    options: {
      seed: { type: 'string' },
      'no-outside-options': { type: 'boolean' },
      'best-effort': { type: 'boolean' },
    },
    run: (io, v, p) => solveCommand(io, v, p),
  },
  sweep: {
    help: SWEEP_HELP,
    options: {
      base: { type: 'string' },
      orgs: { type: 'string' },
      g: { type: 'string' },
      rivalry: { type: 'string' },
      alpha: { type: 'string' },
      cost: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
    },
    run: (io, v, p) => sweepCommand(io, v, p),
  },
  rounds: {
    help: ROUNDS_HELP,
    options: { rounds: { type: 'string' }, out: { type: 'string' }, seed: { type: 'string' } },
    run: (io, v, p) => roundsCommand(io, v, p),
  },
  calibrate: {
    help: CALIBRATE_HELP,
    options: {
      out: { type: 'string' },
      dataset: { type: 'string' },
      data: { type: 'string' },
      sizes: { type: 'string' },
      alphas: { type: 'string' },
      synthetic: { type: 'string' },
      orgs: { type: 'string' },
      rounds: { type: 'string' },
      epochs: { type: 'string' },
      model: { type: 'string' },
      backend: { type: 'string' },
      seed: { type: 'string' },
    },
    run: (io, v, p) => calibrateCommand(io, v, p),
  },
  simulate: {
    help: SIMULATE_HELP,
    options: {
      out: { type: 'string' },
      resume: { type: 'string' },
      orgs: { type: 'string' },
      rounds: { type: 'string' },
      alpha: { type: 'string' },
      competition: { type: 'string' },
      rivalry: { type: 'string' },
      seed: { type: 'string' },
      seeds: { type: 'string' },
      dataset: { type: 'string' },
      data: { type: 'string' },
      backend: { type: 'string' },
      model: { type: 'string' },
      strategies: { type: 'string' },
      curve: { type: 'string' },
      cost: { type: 'string' },
      cap: { type: 'string' },
      epochs: { type: 'string' },
      pool: { type: 'string' },
      recalibrate: { type: 'string' },
      validation: { type: 'string' },
      // undocumented testing hook: SIGKILL itself right after this round's checkpoint
      'stop-after-round': { type: 'string' },
    },
    run: (io, v, p) => simulateCommand(io, v, p),
  },
  train: {
    help: TRAIN_HELP,
    options: {
      dataset: { type: 'string' },
      data: { type: 'string' },
      model: { type: 'string' },
      epochs: { type: 'string' },
      pool: { type: 'string' },
      batch: { type: 'string' },
      lr: { type: 'string' },
      momentum: { type: 'string' },
      backend: { type: 'string' },
      seed: { type: 'string' },
    },
    run: (io, v, p) => trainCommand(io, v, p),
  },
  aggregate: {
    help: AGGREGATE_HELP,
    options: {
      rule: { type: 'string' },
      weights: { type: 'string' },
      trim: { type: 'string' },
      f: { type: 'string' },
      m: { type: 'string' },
      clip: { type: 'string' },
      out: { type: 'string' },
      block: { type: 'string' },
      read: { type: 'string' },
      backend: { type: 'string' },
    },
    run: (io, v, p) => aggregateCommand(io, v, p),
  },
  study: {
    help: STUDY_HELP,
    options: { out: { type: 'string' }, workers: { type: 'string' }, queue: { type: 'string' } },
    run: (io, v, p) => studyCommand(io, v, p),
  },
  worker: {
    help: WORKER_HELP,
    options: { queue: { type: 'string' }, concurrency: { type: 'string' }, 'lock-seconds': { type: 'string' } },
    run: (io, v, p) => workerCommand(io, v, p),
  },
};

/** Flags a command takes that its help leaves out on purpose (testing hooks). */
export const HIDDEN_FLAGS: readonly string[] = ['stop-after-round'];

/**
 * Each command's help and the flags its parser takes (`--json` and `--help` aside), so that a test can hold the
 * synopses in --help, the parser and docs/cli.md to one another.
 */
export function commandHelp(): Record<string, { help: string; flags: string[] }> {
  return Object.fromEntries(
    Object.entries(COMMANDS).map(([name, c]) => [name, { help: c.help, flags: Object.keys(c.options ?? {}) }]),
  );
}

/** Run the CLI with `argv` (without node and script); returns the exit code. Never throws. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  const json = rest.includes('--json');
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(USAGE);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.out(VERSION);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    return reportError(
      io,
      new CocogenError(
        'INVALID_ARGUMENT',
        `Expected a command (${Object.keys(COMMANDS).join(', ')}) but received "${name}"; see cocogen --help`,
      ),
      json,
    );
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...command.options, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    return reportError(
      io,
      new CocogenError('INVALID_ARGUMENT', `${(e as Error).message}; see cocogen ${name} --help`),
      json,
    );
  }
  if (parsed.values.help) {
    io.out(command.help);
    return 0;
  }
  try {
    return await command.run(io, parsed.values, parsed.positionals);
  } catch (e) {
    return reportError(io, e, json);
  }
}
