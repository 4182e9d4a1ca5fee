/**
 * A study file (docs/cli.md, "cocogen study"): one kind of run, a grid of its options and the seeds, checked strictly
 * and expanded into jobs, one per (cell, seed). Every job is checked as `cocogen simulate` would check its flags
 * before anything runs, and a bad value is named by its path in the file (`grid.alpha[1]`), not by the flag.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CocogenError, invalidArgument, invalidArgumentText } from '../../core/errors.js';
import { VERSION } from '../../core/version.js';
import type { SimulationConfig } from '../../fl/simulation.js';
import { isOptionsObject } from '../../util/options.js';
import { simulationRunConfig, SIMULATE_RUN_FLAGS } from '../simulation-run.js';
import { seedsFlag } from '../flags.js';
import { sweepBlocks, sweepSetup, SWEEP_RUN_FLAGS, type SweepSegment, type SweepSetup } from '../sweep-run.js';

/** A value a study may give an option: what its flag takes, as JSON. */
export type StudyValue = number | string | readonly string[];

export interface Study {
  name: string;
  /** The study file, resolved. */
  file: string;
  /** what each job runs: `cocogen simulate` (a cell and a seed), or a block of `cocogen sweep`'s points */
  kind: 'simulate' | 'sweep';
  /** Options every cell shares (camelCase flag names); for a sweep its base, orgs and seed. */
  base: Readonly<Record<string, StudyValue>>;
  /** The grid's axes in file order: the first varies slowest. */
  grid: readonly { key: string; values: readonly StudyValue[] }[];
  /** for a simulate study; empty for a sweep */
  seeds: readonly number[];
  /** for a sweep: points per job */
  points: number;
}

/** One cell of the grid: the options it sets, by axis. */
export interface StudyCell {
  index: number;
  params: Readonly<Record<string, StudyValue>>;
}

/** One run: a cell and a seed, with the flags `cocogen simulate` takes for it and the id its result is filed under. */
export interface StudyJob {
  id: string;
  /** the cell, or for a sweep the block */
  cell: number;
  seed: number;
  /** a sweep block's points: runs of g at one α, cost and λ */
  segments?: readonly SweepSegment[];
  flags: Readonly<Record<string, string>>;
}

/** The study's option keys: the flags of one run but its seed (today's flags are single words, so camelCase = flag). */
const KEYS = SIMULATE_RUN_FLAGS.filter((f) => f !== 'seed');
const NUMBER_KEYS = new Set([
  'orgs',
  'rounds',
  'alpha',
  'competition',
  'rivalry',
  'cost',
  'cap',
  'epochs',
  'pool',
  'validation',
]);
const PATH_KEYS = new Set(['data', 'curve']);
const TOP_KEYS = ['name', 'simulate', 'sweep', 'grid', 'seeds'];
const SWEEP_KEYS = [...SWEEP_RUN_FLAGS, 'points'];
const SWEEP_AXES = ['g', 'rivalry', 'alpha', 'cost'];
/** Points per sweep job by default: a few tenths of a second of solving, so the queue's overhead stays small. */
export const DEFAULT_BLOCK_POINTS = 500;

function studyError(file: string, path: string, expected: string, received: unknown): CocogenError {
  return invalidArgument(`${path} in ${file}`, expected, received);
}

function keyRule(): string {
  return `one of the simulate options ${KEYS.join(', ')}`;
}

/** A value checked by type for `key`: a number, a string, or for strategies a string or a list of strings. */
function studyValue(file: string, path: string, key: string, v: unknown, dir: string): StudyValue {
  if (NUMBER_KEYS.has(key)) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw studyError(file, path, 'a finite number', v);
    return v;
  }
  if (key === 'strategies' && Array.isArray(v)) {
    if (v.length === 0 || !v.every((s) => typeof s === 'string'))
      throw studyError(file, path, 'a non-empty list of strategy names', v);
    return v as string[];
  }
  if (typeof v !== 'string' || v === '') throw studyError(file, path, 'a non-empty string', v);
  // A path in a study is relative to the study file, wherever the command runs.
  return PATH_KEYS.has(key) ? resolve(dir, v) : v;
}

/** The flag text of a study value (what a user would type after `--key`). */
export function flagText(v: StudyValue): string {
  return typeof v === 'number' ? String(v) : typeof v === 'string' ? v : v.join(',');
}

/** Parse and check a study from its JSON text; `file` names it in errors and anchors its relative paths. */
export function parseStudy(text: string, file: string): Study {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw invalidArgumentText(file, 'a study file of JSON', `text that is not JSON (${(e as Error).message})`);
  }
  if (!isOptionsObject(json))
    throw studyError(file, '(the file)', 'a JSON object { name, simulate, grid, seeds }', json);
  for (const key of Object.keys(json))
    if (!TOP_KEYS.includes(key))
      throw invalidArgumentText(`${key} in ${file}`, `one of ${TOP_KEYS.join(', ')}`, 'an unknown key');
  const dir = dirname(resolve(file));
  const name = json.name;
  if (typeof name !== 'string' || name.trim() === '') throw studyError(file, 'name', 'a non-empty string', name);
  if (json.sweep !== undefined) {
    if (json.simulate !== undefined)
      throw invalidArgumentText(`sweep in ${file}`, 'one kind of run: simulate or sweep', 'both');
    return parseSweepStudy(json, name, file, dir);
  }
  if (json.simulate === undefined)
    throw invalidArgumentText(
      `simulate in ${file}`,
      'the options every run shares, e.g. { "orgs": 4 } (or a sweep)',
      'none',
    );
  if (!isOptionsObject(json.simulate))
    throw studyError(file, 'simulate', 'an object of simulate options', json.simulate);
  const base: Record<string, StudyValue> = {};
  for (const [key, v] of Object.entries(json.simulate)) {
    if (!KEYS.includes(key)) throw invalidArgumentText(`simulate.${key} in ${file}`, keyRule(), 'an unknown key');
    base[key] = studyValue(file, `simulate.${key}`, key, v, dir);
  }
  const gridJson = json.grid ?? {};
  if (!isOptionsObject(gridJson)) throw studyError(file, 'grid', 'an object of option lists', gridJson);
  const grid: { key: string; values: StudyValue[] }[] = [];
  for (const [key, list] of Object.entries(gridJson)) {
    if (!KEYS.includes(key)) throw invalidArgumentText(`grid.${key} in ${file}`, keyRule(), 'an unknown key');
    if (key in base)
      throw invalidArgumentText(`grid.${key} in ${file}`, 'an option set in simulate or in grid, not both', 'both');
    if (!Array.isArray(list) || list.length === 0)
      throw studyError(file, `grid.${key}`, 'a non-empty list of values', list);
    const values = list.map((v, i) => studyValue(file, `grid.${key}[${i}]`, key, v, dir));
    const seen = new Set(values.map((v) => JSON.stringify(v)));
    if (seen.size !== values.length) throw studyError(file, `grid.${key}`, 'a list without repeats', list);
    grid.push({ key, values });
  }
  const seedsJson = json.seeds;
  let seeds: number[];
  if (typeof seedsJson === 'string') seeds = seedsFlag(seedsJson, `seeds in ${file}`);
  else if (
    Array.isArray(seedsJson) &&
    seedsJson.length > 0 &&
    seedsJson.every((s) => Number.isSafeInteger(s) && s >= 0)
  )
    seeds = seedsFlag(seedsJson.join(','), `seeds in ${file}`);
  else throw studyError(file, 'seeds', 'a non-empty list of seeds (integers ≥ 0), or a range such as "1-5"', seedsJson);
  return { name, file: resolve(file), kind: 'simulate', base, grid, seeds, points: 1 };
}

/** A sweep study: { name, sweep: { base | orgs, seed, points }, grid: { g, rivalry, alpha, cost } }. */
function parseSweepStudy(json: Record<string, unknown>, name: string, file: string, dir: string): Study {
  if (json.seeds !== undefined)
    throw invalidArgumentText(`seeds in ${file}`, "a sweep's seed in sweep.seed", 'a seeds list');
  if (!isOptionsObject(json.sweep)) throw studyError(file, 'sweep', 'an object of sweep options', json.sweep);
  const base: Record<string, StudyValue> = {};
  let points = DEFAULT_BLOCK_POINTS;
  for (const [key, v] of Object.entries(json.sweep)) {
    if (!SWEEP_KEYS.includes(key))
      throw invalidArgumentText(`sweep.${key} in ${file}`, `one of ${SWEEP_KEYS.join(', ')}`, 'an unknown key');
    if (key === 'points') {
      if (!(Number.isSafeInteger(v) && (v as number) >= 1 && (v as number) <= 100_000))
        throw studyError(file, 'sweep.points', 'points per job, an integer in [1, 100000]', v);
      points = v as number;
    } else if (key === 'base') {
      if (typeof v !== 'string' || v === '') throw studyError(file, 'sweep.base', 'a scenario file', v);
      base.base = resolve(dir, v);
    } else {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw studyError(file, `sweep.${key}`, 'a finite number', v);
      base[key] = v;
    }
  }
  const gridJson = json.grid ?? {};
  if (!isOptionsObject(gridJson)) throw studyError(file, 'grid', 'an object of number lists', gridJson);
  const grid: { key: string; values: number[] }[] = [];
  for (const [key, list] of Object.entries(gridJson)) {
    if (!SWEEP_AXES.includes(key))
      throw invalidArgumentText(`grid.${key} in ${file}`, `one of ${SWEEP_AXES.join(', ')}`, 'an unknown key');
    if (!Array.isArray(list) || list.length === 0)
      throw studyError(file, `grid.${key}`, 'a non-empty list of numbers', list);
    list.forEach((v, i) => {
      if (typeof v !== 'number' || !Number.isFinite(v))
        throw studyError(file, `grid.${key}[${i}]`, 'a finite number', v);
    });
    grid.push({ key, values: list as number[] });
  }
  return { name, file: resolve(file), kind: 'sweep', base, grid, seeds: [], points };
}

/** A sweep study's flags, as `cocogen sweep` takes them. */
export function sweepFlags(study: Study): Record<string, string> {
  const flags: Record<string, string> = {};
  for (const [k, v] of Object.entries(study.base)) flags[k] = flagText(v);
  for (const { key, values } of study.grid) flags[key] = values.map(flagText).join(',');
  return flags;
}

/** A sweep study's blocks as jobs, the whole sweep checked as `cocogen sweep` checks it (beyond its size limit). */
function sweepJobs(study: Study): StudyJob[] {
  const flags = sweepFlags(study);
  let setup: SweepSetup;
  try {
    setup = sweepSetup(flags, MAX_STUDY_SWEEP_POINTS);
  } catch (e) {
    if (!(e instanceof CocogenError) || typeof e.details?.argument !== 'string') throw e;
    const key = e.details.argument.replace(/^--/, '').split(',')[0]!;
    const where = SWEEP_AXES.includes(key) ? `grid.${key}` : `sweep.${key}`;
    throw invalidArgumentText(
      `${where} in ${study.file}`,
      String(e.details.expected ?? 'a valid value'),
      String(e.details.received ?? ''),
    );
  }
  return sweepBlocks(setup.grid, study.points).map((segments, cell) => ({
    id: createHash('sha256')
      .update(JSON.stringify([VERSION, 'sweep', flags, segments]))
      .digest('hex')
      .slice(0, 20),
    cell,
    seed: setup.seed,
    flags,
    segments,
  }));
}

/** The most points a sweep study may have: ten thousand jobs of the default block, far beyond one process. */
export const MAX_STUDY_SWEEP_POINTS = 5_000_000;

/** Read and parse a study file; IO_ERROR naming it when it cannot be read. */
export function readStudy(file: string): Study {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CocogenError(
      'INVALID_ARGUMENT',
      `Could not read the study file ${JSON.stringify(file)}: ${(e as Error).message}`,
      {
        argument: 'STUDY',
        path: file,
      },
    );
  }
  return parseStudy(text, file);
}

/** The grid's cells: every combination of its axes, the first axis varying slowest. */
export function studyCells(study: Study): StudyCell[] {
  let cells: Record<string, StudyValue>[] = [{}];
  for (const { key, values } of study.grid) cells = cells.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
  return cells.map((params, index) => ({ index, params }));
}

/**
 * A job's id: a hash of cocogen's version, the backend asked for and the run's full config (seed included), so that
 * the same run is filed once however the study that asks for it is written.
 */
export function jobId(config: SimulationConfig, backend: string): string {
  return createHash('sha256')
    .update(JSON.stringify([VERSION, backend, config]))
    .digest('hex')
    .slice(0, 20);
}

/** The path in the study file that set `flag` for `cell` (for an error about that value). */
function pathOf(study: Study, cell: StudyCell, flag: string): string {
  const key = flag.replace(/^--/, '');
  const axis = study.grid.find((a) => a.key === key);
  if (axis) {
    const i = axis.values.findIndex((v) => JSON.stringify(v) === JSON.stringify(cell.params[key]));
    return `grid.${key}[${i}]`;
  }
  return key === 'seed' ? 'seeds' : `simulate.${key}`;
}

/**
 * Every (cell, seed) as a job, each checked as `cocogen simulate` checks its flags: a bad value is INVALID_ARGUMENT
 * naming its path in the file.
 */
export function studyJobs(study: Study): StudyJob[] {
  if (study.kind === 'sweep') return sweepJobs(study);
  const jobs: StudyJob[] = [];
  const cellOf = new Map<string, number>(); // job id → the cell that first configured it
  for (const cell of studyCells(study)) {
    for (const seed of study.seeds) {
      const options = { ...study.base, ...cell.params };
      const flags: Record<string, string> = { seed: String(seed) };
      for (const [k, v] of Object.entries(options)) flags[k] = flagText(v);
      let run: ReturnType<typeof simulationRunConfig>;
      try {
        run = simulationRunConfig(flags);
      } catch (e) {
        // The flag's rule, restated for the value's place in the file.
        if (
          !(e instanceof CocogenError) ||
          typeof e.details?.argument !== 'string' ||
          !e.details.argument.startsWith('--')
        )
          throw e;
        throw invalidArgumentText(
          `${pathOf(study, cell, e.details.argument)} in ${study.file}`,
          String(e.details.expected ?? 'a valid value'),
          String(e.details.received ?? JSON.stringify(flags[e.details.argument.slice(2)])),
        );
      }
      const id = jobId(run.config, run.backend);
      const twin = cellOf.get(id);
      if (twin !== undefined)
        throw invalidArgumentText(
          `grid in ${study.file}`,
          'cells that differ in the runs they configure',
          `cells ${twin} and ${cell.index}, which configure the same run`,
        );
      cellOf.set(id, cell.index);
      jobs.push({ id, cell: cell.index, seed, flags });
    }
  }
  return jobs;
}
