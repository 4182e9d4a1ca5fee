import { requireFinite } from '../../util/finite.js';
import { CocogenError, invalidArgument, invalidArgumentText } from '../../core/errors.js';
import { gameSolutionToJSON, solveGame, type GameSolution, type Scenario } from '../../game/index.js';
import { mechanismToJSON, welfareSharing, type MechanismJSON } from '../../incentive/index.js';
import { seedFlag } from '../flags.js';
import { counted, formatMilliseconds, formatNumber, type Io, table } from '../output.js';
import { readScenarioFile } from '../read-scenario.js';

export const SOLVE_HELP = `cocogen solve FILE [--seed S] [--no-outside-options] [--best-effort] [--json]
  One round of the coopetition game (DESIGN §3) for the scenario file FILE: the potential weights w_n,
  each organization's outside option O_n, the equilibrium (KKT residual, iterations, convergence), the
  social optimum, and the baselines VCFL (no generation), WCO (competition-oblivious) and RaDG (random
  amounts seeded by --seed, default 1). When some w_n ≤ 0 the game is not a potential game: the report
  names those organizations and the equilibrium comes from best-response dynamics.
  --no-outside-options skips O_n (one sub-game per organization; skipped anyway above 2000).
  The payoff-redistribution mechanism (DESIGN §4) runs on the same solution: transfers, payoffs, shares,
  lump sums, Shapley values (exact up to 20 organizations, Monte-Carlo seeded by --seed beyond), floors,
  sustainability and its property report, beside the comparators (none, marginal, Shapley). It needs the
  outside options: with --no-outside-options (or above 2000 organizations) mechanism is null.
  --json prints one JSON object on one line; equilibrium.seconds is the equilibrium solve's own wall time.
  A solve that did not converge (equilibrium, optimum or an outside option) prints its results and then exits 1
  with NOT_CONVERGED saying which; --best-effort exits 0 with the same report.`;

/** What did not reach its tolerance in a solve, in words; null when everything converged. */
export function convergenceFailure(solution: GameSolution): string | null {
  const failed: string[] = [];
  if (!solution.equilibrium.converged) failed.push(`the equilibrium (${solution.equilibrium.status})`);
  if (!solution.optimum.converged) failed.push('the social optimum');
  if (solution.outsideOptionsConverged === false) failed.push('an outside option');
  return failed.length === 0 ? null : failed.join(', ');
}

/** Rows of the readable table beyond which it is cut (the JSON always has every organization). */
const MAX_TABLE_ROWS = 50;

export async function solveCommand(io: Io, values: Record<string, unknown>, positionals: string[]): Promise<number> {
  const json = Boolean(values.json);
  if (positionals.length !== 1) {
    throw positionals.length === 0
      ? invalidArgumentText('FILE', 'one scenario file (cocogen solve FILE)', 'none')
      : invalidArgument('FILE', 'one scenario file (cocogen solve FILE)', positionals);
  }
  const file = positionals[0]!;
  const seed = seedFlag(values.seed, '--seed', 1);
  const outside = values['no-outside-options'] ? false : undefined;

  const t0 = performance.now();
  const scenario = readScenarioFile(file, 'FILE');
  const t1 = performance.now();
  const solution = solveGame(scenario, { seed, ...(outside === false ? { outsideOptions: false } : {}) });
  const mechanism: MechanismJSON | null = solution.outsideOptions
    ? mechanismToJSON(welfareSharing(scenario, { seed, shapley: { seed } }, solution))
    : null;
  const t2 = performance.now();
  requireFinite({ ...solution, mechanism }, `The solve of ${file}`);

  if (json) {
    const result = {
      ...gameSolutionToJSON(solution),
      mechanism,
      ids: scenario.ids,
      scenario: { file, name: scenario.name ?? null, organizations: scenario.n, classes: scenario.classes },
      seed,
      timing: { readSeconds: (t1 - t0) / 1000, solveSeconds: (t2 - t1) / 1000 },
    };
    io.out(JSON.stringify(result));
  } else {
    io.out(report(file, scenario, solution, seed, (t2 - t1) / 1000) + mechanismReport(scenario, mechanism));
  }
  const failure = convergenceFailure(solution);
  if (failure === null || values['best-effort']) return 0;
  // The results above are printed for inspection, but a caller must not take them for a solution.
  throw new CocogenError(
    'NOT_CONVERGED',
    `The solve of ${file} did not converge: ${failure}. The results above are best effort; pass --best-effort to accept them with exit 0`,
  );
}

function sum(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]!;
  return s;
}

function describeCompetition(s: Scenario): string {
  return s.competition.kind === 'uniform'
    ? `uniform competition g = ${formatNumber(s.competition.intensity)}`
    : `a ${s.n}×${s.n} competition matrix`;
}

/** The readable report: the setting, a per-organization table, welfare per strategy, solver diagnostics. */
function report(file: string, s: Scenario, sol: GameSolution, seed: number, solveSeconds: number): string {
  const eq = sol.equilibrium;
  const opt = sol.optimum;
  const { vcfl, wco, radg } = sol.baselines;
  const lines: string[] = [];
  lines.push(
    `${s.name ?? file}: ${counted(s.n, 'organization')}, ${counted(s.classes, 'class', 'classes')}, ${describeCompetition(s)}, rivalry λ = ${formatNumber(s.rivalry)}`,
  );
  lines.push(
    sol.potentialGame
      ? 'Potential game: yes (every w_n > 0); the equilibrium maximizes the potential Φ.'
      : `Potential game: NO. w_n ≤ 0 for ${sol.nonPotential.join(', ')}; the equilibrium comes from best-response dynamics.`,
  );
  lines.push('');
  const shown = s.n > MAX_TABLE_ROWS + 10 ? MAX_TABLE_ROWS : s.n;
  const rows: (string | number)[][] = [];
  for (let i = 0; i < shown; i++) {
    rows.push([
      s.ids[i]!,
      sol.weights[i]!,
      sol.outsideOptions ? sol.outsideOptions[i]! : '-',
      eq.x[i]!,
      opt.x[i]!,
      wco.x[i]!,
      radg.x[i]!,
      eq.utilities[i]!,
      opt.utilities[i]!,
    ]);
  }
  lines.push(
    table(
      [
        'id',
        'weight w_n',
        'outside O_n',
        'x equilibrium',
        'x optimum',
        'x WCO',
        'x RaDG',
        'U equilibrium',
        'U optimum',
      ],
      rows,
    ),
  );
  if (shown < s.n) lines.push(`… ${s.n - shown} more organizations (cocogen solve --json lists every one)`);
  lines.push('x: synthetic samples generated; U: utility (value units); O_n: utility when leaving the coalition.');
  lines.push('');
  lines.push(
    table(
      ['strategy', 'social welfare', 'total x (samples)'],
      [
        ['equilibrium (no incentive)', eq.socialWelfare, sum(eq.x)],
        ['social optimum', opt.socialWelfare, sum(opt.x)],
        ['VCFL (no generation)', vcfl.socialWelfare, 0],
        ['WCO (competition-oblivious)', wco.socialWelfare, sum(wco.x)],
        [`RaDG (random, seed ${seed})`, radg.socialWelfare, sum(radg.x)],
      ],
    ),
  );
  lines.push('');
  lines.push(
    `Equilibrium: ${eq.method}, ${eq.converged ? 'converged' : `NOT converged (${eq.status})`}, KKT residual ${formatNumber(eq.kktResidual, 2)}, ` +
      `${eq.iterations} ${eq.method === 'best-response-dynamics' ? 'sweeps' : 'iterations'}, ${formatMilliseconds(eq.seconds)}`,
  );
  lines.push(
    `Optimum: ${opt.converged ? 'converged' : 'NOT converged'}, KKT residual ${formatNumber(opt.kktResidual, 2)}; ${opt.note}`,
  );
  if (sol.outsideOptions === null) lines.push('Outside options: not computed.');
  else if (sol.outsideOptionsConverged === false)
    lines.push('Outside options: some sub-games did not reach the tolerance.');
  lines.push(`All solves: ${formatMilliseconds(solveSeconds)}.`);
  return lines.join('\n');
}

/** The mechanism's lines of the readable report (docs/design.md §4). */
function mechanismReport(s: Scenario, m: MechanismJSON | null): string {
  if (!m) return '\nMechanism: not run (it needs the outside options).';
  const lines: string[] = ['', ''];
  lines.push(
    m.sustainable
      ? `Mechanism (welfare sharing): sustainable, surplus ${formatNumber(m.surplus ?? NaN, 4)} over the floors.`
      : `Mechanism (welfare sharing): NOT sustainable (${m.status}); deficit ${formatNumber(m.deficit ?? NaN, 4)}` +
          (m.wouldLeave.length ? `; would leave: ${m.wouldLeave.join(', ')}` : '') +
          (m.largestSustainableCoalition?.members
            ? `; largest sustainable coalition (${m.largestSustainableCoalition.method}): ${m.largestSustainableCoalition.members.join(', ')}`
            : ''),
  );
  const shown = Math.min(s.n, MAX_TABLE_ROWS);
  const rows: (string | number)[][] = [];
  for (let i = 0; i < shown; i++) {
    rows.push([s.ids[i]!, m.floors[i]!, m.shapley.values[i]!, m.compensation[i]!, m.transfers[i]!, m.payoffs[i]!]);
  }
  lines.push(table(['id', 'floor F_n', 'Shapley', 'competition loss', 'transfer', 'payoff'], rows));
  lines.push('');
  const labels = {
    none: 'no incentive',
    marginal: 'marginal (leave-one-out)',
    shapley: 'plain Shapley',
    mechanism: 'mechanism',
  };
  lines.push(
    table(
      ['scheme', 'social welfare', 'participants', 'worst-off payoff'],
      (Object.keys(labels) as (keyof typeof labels)[]).map((k) => {
        const c = m.comparators[k];
        return [
          labels[k],
          c.socialWelfare ?? NaN,
          `${c.participants}/${s.n}`,
          `${formatNumber(c.worstOff.payoff ?? NaN, 4)} (${c.worstOff.id})`,
        ];
      }),
    ),
  );
  const p = m.properties;
  lines.push(
    `Properties: ${(['budgetBalance', 'participation', 'floors', 'efficiency', 'symmetry', 'monotonicity'] as const)
      .map((k) => `${k} ${p[k].status}`)
      .join(', ')}.`,
  );
  return lines.join('\n');
}
