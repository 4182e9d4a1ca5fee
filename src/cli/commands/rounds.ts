import { join } from 'node:path';
import { invalidArgument, invalidArgumentText } from '../../core/errors.js';
import { SCHEMES, simulateRounds } from '../../incentive/index.js';
import { firstNonFiniteRound } from '../../incentive/rounds.js';
import { roundsCsv, roundsRecordsJSON, roundsStandaloneJSON, SCHEME_LABELS } from '../../incentive/rounds-results.js';
import { roundsSvg } from '../../plot/rounds-figure.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { requireFinite } from '../../util/finite.js';
import { integerFlag, outDirFlag, seedFlag } from '../flags.js';
import { counted, formatMilliseconds, type Io, table } from '../output.js';
import { readScenarioFile } from '../read-scenario.js';

export const ROUNDS_HELP = `cocogen rounds FILE --rounds T [--out DIR] [--seed S] [--json]
  Plays the scenario in FILE for T rounds (1 ≤ T ≤ 1000) under four payment schemes, each from the full
  federation: none (plain equilibrium), marginal (welfare split by leave-one-out contribution), shapley
  (welfare split by Shapley value) and mechanism (welfare sharing with floors, DESIGN §4). After each round
  every organization whose payoff is below its outside option leaves for good and trains alone.
  Reports per round and scheme: members, leavers, retention (members left / N), the market's welfare (every
  organization's utility with all competition terms: members on the federation's model, the others alone)
  and cumulative welfare, with payoffs and transfers.
  --out DIR writes (atomically) rounds.csv (one row per round and scheme) and rounds.svg (retention and
  cumulative welfare against the round, one line per scheme).
  --seed S seeds Monte-Carlo Shapley sampling (used above 20 organizations). Default 1.
  --json prints { scenario, rounds, schemes: { <scheme>: [ per-round records ] }, files }.`;

export async function roundsCommand(io: Io, values: Record<string, unknown>, positionals: string[]): Promise<number> {
  const json = Boolean(values.json);
  if (positionals.length !== 1) {
    throw positionals.length === 0
      ? invalidArgumentText('FILE', 'one scenario file (cocogen rounds FILE --rounds T)', 'none')
      : invalidArgument('FILE', 'one scenario file (cocogen rounds FILE --rounds T)', positionals);
  }
  if (values.rounds === undefined) throw invalidArgumentText('--rounds', 'a number of rounds T', 'none');
  const rounds = integerFlag(values.rounds, '--rounds', 1, 1000, 1);
  const seed = seedFlag(values.seed, '--seed', 1);
  const out = values.out === undefined ? undefined : outDirFlag(values.out, 'rounds.csv and rounds.svg');
  const file = positionals[0]!;
  const scenario = readScenarioFile(file, 'FILE');
  const t0 = performance.now();
  const result = simulateRounds(scenario, { rounds, seed, shapley: { seed } });
  const seconds = (performance.now() - t0) / 1000;
  requireFinite(result, `The rounds of ${file}`, firstNonFiniteRound);

  const files: Record<string, string> = {};
  if (typeof out === 'string') {
    files.csv = join(out, 'rounds.csv');
    files.svg = join(out, 'rounds.svg');
    writeFileAtomic(files.csv, roundsCsv(result));
    writeFileAtomic(files.svg, roundsSvg(result, scenario.name ?? file));
  }
  if (json) {
    io.out(
      JSON.stringify({
        scenario: { file, name: scenario.name ?? null, organizations: scenario.n },
        ids: result.ids,
        rounds,
        seed,
        standaloneAmounts: roundsStandaloneJSON(result),
        schemes: roundsRecordsJSON(result),
        files: typeof out === 'string' ? files : null,
        seconds,
      }),
    );
    return 0;
  }
  const rows: (string | number)[][] = SCHEMES.map((s) => {
    const recs = result.records[s];
    const last = recs[recs.length - 1]!;
    const left = recs.flatMap((r) => r.leavers.map((i) => `${result.ids[i]} (round ${r.round})`));
    return [
      SCHEME_LABELS[s],
      last.retention,
      last.cumulativeWelfare,
      recs[0]!.welfare,
      left.length ? left.join(', ') : '-',
    ];
  });
  const lines = [
    `${scenario.name ?? file}: ${counted(scenario.n, 'organization')}, ${counted(rounds, 'round')}`,
    '',
    table(['scheme', 'retention', 'cumulative welfare', 'welfare round 1', 'left (round)'], rows),
    '',
    'Retention: share of organizations still in the federation after the last round. Welfare: the sum of every',
    "organization's utility, members on the federation's model and the others training alone (value units).",
  ];
  if (typeof out === 'string') lines.push(`Wrote ${files.csv} and ${files.svg}.`);
  lines.push(`${formatMilliseconds(seconds)}, ${result.analyses} distinct member sets analyzed.`);
  io.out(lines.join('\n'));
  return 0;
}
