/**
 * What `cocogen study` writes beside the runs: per cell of the grid, its parameters, its run ids and the paired
 * statistics over its seeds (compareSeeds: mean and interval per strategy, the mechanism minus each baseline, the
 * verdict) — as study.json, one CSV row per cell × strategy, and a short report.md a researcher reads first.
 */
import type { SimulationState } from '../../fl/simulation.js';
import { compareSeeds, levelPercent, type SeedComparison } from '../../fl/seed-comparison.js';
import { STRATEGY_LABELS, type StrategyName } from '../../fl/strategies.js';
import type { MeanInterval } from '../../numeric/statistics.js';
import { formatMeanInterval } from '../../util/format-number.js';
import { flagText, studyCells, type Study, type StudyJob, type StudyValue } from './study-file.js';

/** A job that failed, with what it said. */
export interface StudyFailure {
  id: string;
  seed: number;
  error: { code: string; message: string };
}

export interface StudyCellResult {
  index: number;
  params: Record<string, StudyValue>;
  /** run ids in seed order (DIR/runs/<id>.json), finished or not */
  runs: string[];
  failed: StudyFailure[];
  /** the paired statistics over the finished runs' seeds, without the per-round detail; null when none finished */
  comparison: (Omit<SeedComparison, 'summary'> & { summary: Record<string, unknown> }) | null;
}

export interface StudyResult {
  name: string;
  file: string;
  kind: Study['kind'];
  base: Study['base'];
  grid: Study['grid'];
  seeds: Study['seeds'];
  jobs: { total: number; finished: number; failed: number };
  cells: StudyCellResult[];
}

/** The state compareSeeds reads, from a run's JSON (the `cocogen simulate --json` object). */
export function stateOfRun(run: Record<string, unknown>): SimulationState {
  type Rounds = NonNullable<SimulationState['strategies'][StrategyName]>['rounds'];
  const strategies = run.strategies as Record<string, { rounds: Rounds }>;
  return {
    config: run.config as SimulationState['config'],
    completedRounds: run.completedRounds as number,
    backend: run.backend as string,
    strategies: Object.fromEntries(Object.entries(strategies).map(([k, v]) => [k, { rounds: v.rounds }])),
  } as SimulationState;
}

/** Summaries of every cell from the runs that finished (by id) and the jobs that failed. */
export function studyResult(
  study: Study,
  jobs: readonly StudyJob[],
  runs: ReadonlyMap<string, Record<string, unknown>>,
  failures: ReadonlyMap<string, StudyFailure>,
): StudyResult {
  const byCell = new Map<number, StudyJob[]>();
  for (const job of jobs) byCell.set(job.cell, [...(byCell.get(job.cell) ?? []), job]);
  const cellParams = studyCells(study).map((c) => ({ ...c.params }));
  const cells: StudyCellResult[] = [];
  for (const [index, cellJobs] of byCell) {
    const params = cellParams[index]!;
    const finished = cellJobs.filter((j) => runs.has(j.id)).map((j) => stateOfRun(runs.get(j.id)!));
    let comparison: StudyCellResult['comparison'] = null;
    if (finished.length > 0) {
      const c = compareSeeds(finished);
      const summary = Object.fromEntries(Object.entries(c.summary).map(([k, { rounds: _r, ...s }]) => [k, s]));
      comparison = { ...c, summary };
    }
    cells.push({
      index,
      params,
      runs: cellJobs.map((j) => j.id),
      failed: cellJobs.flatMap((j) => (failures.has(j.id) ? [failures.get(j.id)!] : [])),
      comparison,
    });
  }
  return {
    name: study.name,
    file: study.file,
    kind: study.kind,
    base: study.base,
    grid: study.grid,
    seeds: study.seeds,
    jobs: { total: jobs.length, finished: runs.size, failed: failures.size },
    cells,
  };
}

const METRICS = ['accuracy', 'loss', 'realizedGain', 'predictedGain', 'welfare', 'generated'] as const;

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const text = typeof v === 'string' ? v : Array.isArray(v) ? v.join(';') : String(v);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * study.csv: one row per cell × strategy — the grid's parameters, the strategy, the runs it has, each metric's mean
 * and interval bounds, and the mechanism minus this strategy's measured welfare (paired) with its verdict.
 */
export function studyCsv(r: StudyResult): string {
  const axes = r.grid.map((a) => a.key);
  const header = [
    ...axes,
    'strategy',
    'runs',
    ...METRICS.flatMap((m) => [`${m}_mean`, `${m}_low`, `${m}_high`]),
    'mechanism_minus_welfare_mean',
    'mechanism_minus_welfare_low',
    'mechanism_minus_welfare_high',
    'verdict',
  ];
  const lines = [header.join(',')];
  for (const cell of r.cells) {
    const c = cell.comparison;
    if (!c) continue;
    for (const [name, s] of Object.entries(c.summary) as [StrategyName, Record<string, MeanInterval | null>][]) {
      const vs = c.comparisons?.[name];
      const row = [
        ...axes.map((k) => cell.params[k]),
        name,
        c.seeds.length,
        ...METRICS.flatMap((m) => [s[m]?.mean, s[m]?.low, s[m]?.high]),
        vs?.welfare.mean,
        vs?.welfare.low,
        vs?.welfare.high,
        vs?.verdict ?? (name === 'mechanism' ? '' : 'undetermined'),
      ];
      lines.push(row.map(csvCell).join(','));
    }
  }
  return lines.join('\n') + '\n';
}

function describeParams(params: Record<string, StudyValue>): string {
  const entries = Object.entries(params);
  return entries.length === 0 ? 'the one cell' : entries.map(([k, v]) => `${k} = ${flagText(v)}`).join(', ');
}

/** report.md: what was run, what failed, and per cell the verdict and the welfare of each strategy. */
export function studyReport(r: StudyResult, files: readonly string[]): string {
  const level = r.cells.find((c) => c.comparison)?.comparison?.level ?? 0.95;
  const lines = [
    `# Study: ${r.name}`,
    '',
    `${r.cells.length} cell${r.cells.length === 1 ? '' : 's'} × ${r.seeds.length} seed${r.seeds.length === 1 ? '' : 's'} (${r.seeds.join(', ')}) of \`cocogen simulate\`` +
      `${Object.keys(r.base).length ? ` with ${describeParams(r.base as Record<string, StudyValue>)}` : ''}; ` +
      `${r.jobs.finished} of ${r.jobs.total} runs finished${r.jobs.failed ? `, **${r.jobs.failed} failed**` : ''}.`,
    `Means over seeds ± the half-width of their ${levelPercent(level)} Student-t interval; welfare is the mean over`,
    'rounds of Σ U_n, measured; verdicts compare the mechanism with each baseline, paired by seed.',
    '',
  ];
  for (const cell of r.cells) {
    lines.push(`## ${describeParams(cell.params)}`, '');
    const c = cell.comparison;
    if (!c) lines.push('No run of this cell finished.', '');
    else {
      lines.push(
        c.verdict.welfare,
        '',
        '| strategy | accuracy | measured welfare | generated (last round) |',
        '| --- | --- | --- | --- |',
      );
      for (const [name, s] of Object.entries(c.summary) as [StrategyName, Record<string, MeanInterval>][]) {
        const show = (m: MeanInterval) => formatMeanInterval(m.mean, m.high === null ? null : m.high - m.mean);
        lines.push(`| ${STRATEGY_LABELS[name]} | ${show(s.accuracy!)} | ${show(s.welfare!)} | ${show(s.generated!)} |`);
      }
      lines.push('', c.verdict.prediction.statement, '');
    }
    for (const f of cell.failed)
      lines.push(`- run ${f.id} (seed ${f.seed}) failed: ${f.error.message} [${f.error.code}]`);
    if (cell.failed.length) lines.push('');
  }
  lines.push(`Files: ${files.map((f) => `\`${f}\``).join(', ')}; each run's full result is in \`runs/<id>.json\`.`);
  return lines.join('\n') + '\n';
}
