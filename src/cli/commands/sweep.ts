import { requireFinite } from '../../util/finite.js';
import { join } from 'node:path';
import { invalidArgument, invalidArgumentText } from '../../core/errors.js';
import {
  builtInSweepBase,
  DEFAULT_SWEEP_GRID,
  MAX_SWEEP_ORGANIZATIONS,
  MAX_SWEEP_POINTS,
  sweepBaseFromScenario,
  sweepCsv,
  sweepGame,
  sweepSummary,
  type SweepBase,
  type SweepGrid,
  type SweepPoint,
} from '../../fl/sweep.js';
import {
  generationVsCompetitionSvg,
  generationVsSkewSvg,
  sweepCostLabel,
  sweepHold,
  welfareSvg,
  type SweepFigureSetting,
  type SweepHold,
} from '../../plot/sweep-figures.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { integerFlag, numberListFlag, outDirFlag, seedFlag } from '../flags.js';
import { counted, formatNumber, formatSeconds, type Io, table } from '../output.js';
import { createProgress } from '../progress.js';
import { readScenarioFile } from '../read-scenario.js';

export const SWEEP_HELP = `cocogen sweep --out DIR [--base FILE | --orgs N] [--g LIST] [--rivalry LIST] [--alpha LIST]
              [--cost LIST] [--seed S] [--json]
  Solves the game (DESIGN §3) on every point of a grid over competition intensity g (uniform Γ: each
  organization's total exposure), rivalry λ, label skew (Dirichlet α: label counts drawn over power-law
  sizes) and cost c per synthetic sample (the same for every organization). LISTs are comma-separated.
  Writes to DIR (atomically):
    sweep.csv                       one row per grid point, units in the header
    generation-vs-competition.svg   total synthetic samples vs g: equilibrium and optimum, a line per λ
    generation-vs-skew.svg          total synthetic samples vs the mean initial label skew δ⁰
    welfare.svg                     social welfare of equilibrium, optimum, VCFL, WCO and RaDG vs g, a panel per λ
  The plots hold the other axes at their middle values (α, c, and g for the skew plot), named in each subtitle.
  Defaults: --orgs 10, --g 0,0.1,…,1, --rivalry 0,1, --alpha 0.05,0.1,0.2,0.5,1,2,5,10,
  --cost 0.002,0.004,0.008, --seed 1 (sizes, label draws, market values and the RaDG baseline).
  Built-in organizations: power-law sizes (exponent 1, 5000 samples each on average, at least 500),
  C = 10 classes, market value ρ ~ U[500, 2000], private gain μ ~ U[0.005, 0.03], cap X = 2d,
  learning curve (L∞, A, β, η) = (0.3, 3, 0.3, 0.4), uniform target.
  --base FILE takes the organizations (sizes, market values, caps, private gains, learning curve, target)
  from a scenario file instead; their label counts are redrawn for each α and, without --cost, each keeps
  its own cost (an empty cost cell in the CSV).
  --json prints { config, points, files }. Progress goes to stderr on a terminal only.`;

const DEFAULT_ORGANIZATIONS = 10;
const FILES = ['sweep.csv', 'generation-vs-competition.svg', 'generation-vs-skew.svg', 'welfare.svg'] as const;

/** What the flags ask for, checked: the organizations and the grid. */
interface SweepRequest {
  out: string;
  seed: number;
  /** The --base file, or null for the built-in organizations. */
  basePath: string | null;
  base: SweepBase;
  grid: SweepGrid & { g: number[]; rivalry: number[]; alpha: number[]; cost: (number | null)[] };
}

function sweepRequest(values: Record<string, unknown>, positionals: string[]): SweepRequest {
  if (positionals.length > 0) throw invalidArgument('arguments', 'none (every input is a flag)', positionals);
  const out = outDirFlag(values.out, 'sweep.csv and the plots');
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
  if (total > MAX_SWEEP_POINTS) {
    throw invalidArgumentText(
      '--g, --rivalry, --alpha, --cost',
      `a grid of at most ${MAX_SWEEP_POINTS} points`,
      `${total} points`,
    );
  }
  return { out, seed, basePath, base, grid: { g, rivalry, alpha, cost } };
}

export async function sweepCommand(io: Io, values: Record<string, unknown>, positionals: string[]): Promise<number> {
  const json = Boolean(values.json);
  const { out, seed, basePath, base, grid } = sweepRequest(values, positionals);
  const total = grid.g.length * grid.rivalry.length * grid.alpha.length * grid.cost.length;
  const progress = createProgress(io, 'sweep', total);
  const t0 = performance.now();
  let points: SweepPoint[];
  try {
    points = sweepGame(base, grid, {
      seed,
      onPoint: (done, _total, p) => progress.update(done, `α=${p.alpha} λ=${p.rivalry} g=${p.g}`),
    });
  } finally {
    progress.done();
  }
  const seconds = (performance.now() - t0) / 1000;
  requireFinite(points, 'The sweep');

  const reference = sweepHold(grid);
  const setting: SweepFigureSetting = {
    organizations: base.ids.length,
    base: basePath,
    seed,
    cap: base.maxSynthetic.reduce((a, b) => a + b, 0),
  };
  const files = FILES.map((f) => join(out, f));
  const [csvPath, genG, genSkew, welfare] = files as [string, string, string, string];
  writeFileAtomic(csvPath, sweepCsv(points));
  writeFileAtomic(genG, generationVsCompetitionSvg(points, grid.rivalry, reference, setting));
  writeFileAtomic(genSkew, generationVsSkewSvg(points, grid.rivalry, reference, setting));
  writeFileAtomic(welfare, welfareSvg(points, grid.rivalry, reference, setting));

  if (json) {
    const config = {
      organizations: base.ids.length,
      classes: base.classes,
      base: basePath,
      seed,
      g: grid.g,
      rivalry: grid.rivalry,
      alpha: grid.alpha,
      cost: grid.cost,
      plotsHold: reference,
      points: points.length,
      seconds,
    };
    io.out(JSON.stringify({ config, points, files }));
    return 0;
  }
  printSweep(io, points, grid, base.ids.length, reference, files, seconds);
  return 0;
}

/** The readable summary: the grid's size, points that are not potential games or did not converge, one slice. */
function printSweep(
  io: Io,
  points: readonly SweepPoint[],
  grid: SweepRequest['grid'],
  organizations: number,
  reference: SweepHold,
  files: readonly string[],
  seconds: number,
): void {
  io.out(
    `Swept ${counted(points.length, 'point')} (${grid.g.length} g × ${grid.rivalry.length} λ × ${grid.alpha.length} α × ${grid.cost.length} cost) ` +
      `over ${counted(organizations, 'organization')} in ${formatSeconds(seconds)} s.`,
  );
  const { nonConverged, nonPotential } = sweepSummary(points);
  if (nonPotential > 0)
    io.out(
      `${counted(nonPotential, 'point')} ${nonPotential === 1 ? 'is not a potential game' : 'are not potential games'} (some w_n ≤ 0): best-response dynamics there.`,
    );
  if (nonConverged > 0) io.out(`${counted(nonConverged, 'point')} did not converge (see the *_converged columns).`);
  io.out('');
  io.out(`At α = ${formatNumber(reference.alpha)}, ${sweepCostLabel(reference.cost)}:`);
  const slice = points.filter((p) => p.alpha === reference.alpha && p.cost === reference.cost);
  io.out(
    table(
      ['λ', 'g', 'Σx equilibrium', 'Σx optimum', 'SW equilibrium', 'SW optimum', 'SW VCFL', 'SW WCO'],
      slice.map((p) => [
        p.rivalry,
        p.g,
        Math.round(p.generation.equilibrium),
        Math.round(p.generation.optimum),
        p.socialWelfare.equilibrium,
        p.socialWelfare.optimum,
        p.socialWelfare.vcfl,
        p.socialWelfare.wco,
      ]),
      // λ and g as the user gave them.
      [{ significant: 6 }, { significant: 6 }],
    ),
  );
  io.out('');
  io.out(`Wrote ${files.join(', ')}`);
}
