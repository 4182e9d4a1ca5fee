/**
 * A game sweep from its flags, shared by `cocogen sweep` and by sweep studies (each job a block of its points): the
 * flags checked into organizations and a grid, a block of points solved, and the files a sweep writes.
 */
import { join } from 'node:path';
import { invalidArgumentText } from '../core/errors.js';
import {
  builtInSweepBase,
  DEFAULT_SWEEP_GRID,
  MAX_SWEEP_ORGANIZATIONS,
  sweepBaseFromScenario,
  sweepCsv,
  sweepGame,
  type SweepBase,
  type SweepGrid,
  type SweepPoint,
} from '../fl/sweep.js';
import {
  generationVsCompetitionSvg,
  generationVsSkewSvg,
  sweepHold,
  welfareSvg,
  type SweepFigureSetting,
  type SweepHold,
} from '../plot/sweep-figures.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { integerFlag, numberListFlag, seedFlag } from './flags.js';
import { readScenarioFile } from './read-scenario.js';

const DEFAULT_ORGANIZATIONS = 10;
export const SWEEP_FILES = [
  'sweep.csv',
  'generation-vs-competition.svg',
  'generation-vs-skew.svg',
  'welfare.svg',
] as const;

/** The organizations and the grid of a sweep, checked. */
export interface SweepSetup {
  seed: number;
  /** The --base file, or null for the built-in organizations. */
  basePath: string | null;
  base: SweepBase;
  grid: SweepGrid & { g: number[]; rivalry: number[]; alpha: number[]; cost: (number | null)[] };
}

/** The flags a sweep study's `sweep` object may set, beside its grid (g, rivalry, alpha, cost). */
export const SWEEP_RUN_FLAGS: readonly string[] = ['base', 'orgs', 'seed'];

/** The sweep the flags --base/--orgs, --g, --rivalry, --alpha, --cost and --seed ask for; at most `maxPoints`. */
export function sweepSetup(values: Record<string, unknown>, maxPoints: number): SweepSetup {
  if (values.base !== undefined && values.orgs !== undefined) {
    throw invalidArgumentText(
      '--orgs',
      'no --orgs with --base (the base file fixes the organizations)',
      String(values.orgs),
    );
  }
  const seed = seedFlag(values.seed, '--seed', 1);
  const organizations = integerFlag(values.orgs, '--orgs', 2, MAX_SWEEP_ORGANIZATIONS, DEFAULT_ORGANIZATIONS);
  const g = numberListFlag(values.g, '--g', (v) => v >= 0, 'a finite number ≥ 0', DEFAULT_SWEEP_GRID.g);
  const rivalry = numberListFlag(
    values.rivalry,
    '--rivalry',
    (v) => v >= 0 && v <= 1,
    'in [0, 1]',
    DEFAULT_SWEEP_GRID.rivalry,
  );
  const alpha = numberListFlag(values.alpha, '--alpha', (v) => v > 0, 'a finite number > 0', DEFAULT_SWEEP_GRID.alpha);
  const basePath = values.base === undefined ? null : String(values.base);
  const base =
    basePath === null
      ? builtInSweepBase(organizations, seed)
      : sweepBaseFromScenario(readScenarioFile(basePath, '--base'), {
          argument: '--base',
          source: JSON.stringify(basePath),
        });
  // Without --cost, organizations from a file keep their own costs (a null cost); the built-in ones have none.
  const cost: (number | null)[] =
    values.cost === undefined && base.ownCost
      ? [null]
      : numberListFlag(values.cost, '--cost', (v) => v >= 0, 'a finite number ≥ 0', DEFAULT_SWEEP_GRID.cost);
  const total = g.length * rivalry.length * alpha.length * cost.length;
  if (total > maxPoints) {
    throw invalidArgumentText(
      '--g, --rivalry, --alpha, --cost',
      `a grid of at most ${maxPoints} points`,
      `${total} points`,
    );
  }
  return { seed, basePath, base, grid: { g, rivalry, alpha, cost } };
}

/** One α, cost and λ with some of the grid's g values: the unit a block of points is made of. */
export interface SweepSegment {
  alpha: number;
  cost: number | null;
  rivalry: number;
  g: number[];
}

/**
 * The points of `segments`, in order: the same bits as the whole sweep gives there (a point depends only on its α,
 * cost, λ, g and the seed).
 */
export function sweepBlock(setup: SweepSetup, segments: readonly SweepSegment[]): SweepPoint[] {
  return segments.flatMap((s) =>
    sweepGame(setup.base, { alpha: [s.alpha], cost: [s.cost], rivalry: [s.rivalry], g: s.g }, { seed: setup.seed }),
  );
}

/** The grid in sweepGame's order (α, cost, λ, g; g fastest), cut into blocks of at most `size` points. */
export function sweepBlocks(grid: SweepSetup['grid'], size: number): SweepSegment[][] {
  const blocks: SweepSegment[][] = [];
  let block: SweepSegment[] = [];
  let count = 0;
  for (const alpha of grid.alpha)
    for (const cost of grid.cost)
      for (const rivalry of grid.rivalry)
        for (let i = 0; i < grid.g.length;) {
          const take = Math.min(size - count, grid.g.length - i);
          block.push({ alpha, cost, rivalry, g: grid.g.slice(i, i + take) });
          i += take;
          count += take;
          if (count === size) {
            blocks.push(block);
            block = [];
            count = 0;
          }
        }
  if (block.length) blocks.push(block);
  return blocks;
}

/** sweep.csv and the three figures into `out`, each atomically; the paths and where the figures hold the grid. */
export function writeSweepFiles(
  out: string,
  points: readonly SweepPoint[],
  setup: SweepSetup,
): { files: string[]; reference: SweepHold } {
  const { grid, base, basePath, seed } = setup;
  const reference = sweepHold(grid);
  const setting: SweepFigureSetting = {
    organizations: base.ids.length,
    base: basePath,
    seed,
    cap: base.maxSynthetic.reduce((a, b) => a + b, 0),
  };
  const files = SWEEP_FILES.map((f) => join(out, f));
  const [csvPath, genG, genSkew, welfare] = files as [string, string, string, string];
  writeFileAtomic(csvPath, sweepCsv(points));
  writeFileAtomic(genG, generationVsCompetitionSvg(points, grid.rivalry, reference, setting));
  writeFileAtomic(genSkew, generationVsSkewSvg(points, grid.rivalry, reference, setting));
  writeFileAtomic(welfare, welfareSvg(points, grid.rivalry, reference, setting));
  return { files, reference };
}
