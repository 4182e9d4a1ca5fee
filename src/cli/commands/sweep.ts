import { requireFinite } from '../../util/finite.js';
import { invalidArgument } from '../../core/errors.js';
import { MAX_SWEEP_POINTS, sweepGame, sweepSummary, type SweepPoint } from '../../fl/sweep.js';
import { sweepCostLabel, type SweepHold } from '../../plot/sweep-figures.js';
import { outDirFlag } from '../flags.js';
import { counted, formatNumber, formatSeconds, type Io, table } from '../output.js';
import { createProgress } from '../progress.js';
import { sweepSetup, writeSweepFiles, type SweepSetup } from '../sweep-run.js';

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

/** What the flags ask for, checked: the output folder, the organizations and the grid. */
function sweepRequest(values: Record<string, unknown>, positionals: string[]): SweepSetup & { out: string } {
  if (positionals.length > 0) throw invalidArgument('arguments', 'none (every input is a flag)', positionals);
  const out = outDirFlag(values.out, 'sweep.csv and the plots');
  return { out, ...sweepSetup(values, MAX_SWEEP_POINTS) };
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

  const { files, reference } = writeSweepFiles(out, points, { seed, basePath, base, grid });

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
  grid: SweepSetup['grid'],
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
