import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { invalidArgument, invalidArgumentText } from '../../core/errors.js';
import { studyFigureDrawable, studyFigureSvg } from '../../plot/study-figures.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { ensureDirectory } from '../../util/directories.js';
import { integerFlag, outDirFlag } from '../flags.js';
import { counted, formatNumber, formatSeconds, type Io, table } from '../output.js';
import { createProgress } from '../progress.js';
import { runLocalPool } from '../study/local-pool.js';
import { queueUrl, runOnQueue } from '../study/queue.js';
import type { JobReply } from '../study/run-job.js';
import {
  MAX_STUDY_SWEEP_POINTS,
  readStudy,
  studyJobs,
  flagText,
  sweepFlags,
  type Study,
  type StudyJob,
} from '../study/study-file.js';
import { sweepSummary, type SweepPoint } from '../../fl/sweep.js';
import { sweepSetup, writeSweepFiles } from '../sweep-run.js';
import { studyCsv, studyReport, studyResult, type StudyFailure, type StudyResult } from '../study/study-results.js';

export const STUDY_HELP = `cocogen study STUDY.json --out DIR [--workers N | --queue redis://HOST:PORT[/DB]] [--json]
  Runs a study: the runs of one kind over a grid of options and seeds, each (cell, seed) one job, on a pool of
  --workers N processes on this machine (default: the number of cores), or with --queue on BullMQ / Redis: the
  jobs are added to the queue (re-adding is a no-op) and cocogen worker processes on any machine run them; the
  study collects their results. STUDY.json names the runs, e.g.
    { "name": "skew-vs-competition",
      "simulate": { "orgs": 4, "rounds": 3, "backend": "native" },
      "grid": { "alpha": [0.1, 1.0], "competition": [0.1, 0.5] },
      "seeds": [1, 2, 3] }
  "simulate" holds any cocogen simulate option under its flag's name (not seed), "grid" crosses lists of such
  options (the first varies slowest), "seeds" is a list or a range such as "1-5". Paths are relative to STUDY.json.
  Every job is checked before any runs; a bad value is INVALID_ARGUMENT naming its place (grid.alpha[1]).
  Writes to DIR (atomically): runs/<id>.json, each run's cocogen simulate --json object (without files; the id
  hashes cocogen's version, the backend and the run's full config), study.json (the study and, per cell, its
  parameters, run ids and paired statistics over seeds: mean and interval of each strategy's accuracy, loss,
  gains and welfare, and the mechanism minus each baseline), study.csv (a row per cell × strategy), welfare.svg
  and generation.svg (against the first grid axis, error bars, a panel per value of the others), report.md.
  A sweep study { "name", "sweep": { "orgs" | "base", "seed", "points" }, "grid": { "g", "rivalry", "alpha",
  "cost" } } solves blocks of --points game points per job into DIR/blocks/, then writes sweep.csv and the
  figures exactly as cocogen sweep does for the whole grid (which may be far larger than one sweep's).
  Run again with the same DIR, it resumes: finished runs are kept, the rest run. A job that fails is reported
  with its error and the others go on; the exit code is then 1.
  --json prints { name, out, jobs, cells: [{ params, runs, failed, verdict }], files, seconds }.`;

const FILES = ['study.json', 'study.csv', 'report.md'] as const;
type OnReply = (job: StudyJob, reply: JobReply) => void;
const FIGURES = [
  ['welfare.svg', { metric: 'welfare', yLabel: 'welfare Σ U_n, mean over rounds' }],
  ['generation.svg', { metric: 'generated', yLabel: 'synthetic samples, last round', yBounds: [0, Infinity] }],
] as const;

/** A run file left by an earlier invocation, or null when there is none (or it cannot be read whole). */
function finishedRun(path: string): Record<string, unknown> | null {
  if (!existsSync(path)) return null;
  try {
    const run = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    const ok = typeof run === 'object' && run !== null && ('strategies' in run || 'points' in run);
    return ok ? (run as Record<string, unknown>) : null;
  } catch {
    return null; // written atomically, so only a foreign file reads badly: run the job again
  }
}

export async function studyCommand(io: Io, values: Record<string, unknown>, positionals: string[]): Promise<number> {
  const json = Boolean(values.json);
  if (positionals.length !== 1)
    throw positionals.length === 0
      ? invalidArgumentText('STUDY', 'one study file (cocogen study STUDY.json --out DIR)', 'none')
      : invalidArgument('STUDY', 'one study file (cocogen study STUDY.json --out DIR)', positionals);
  const out = outDirFlag(values.out, 'the study results');
  if (values.queue !== undefined && values.workers !== undefined)
    throw invalidArgumentText(
      '--workers',
      'no --workers beside --queue (the workers are cocogen worker processes)',
      'both',
    );
  const queue = values.queue === undefined ? null : queueUrl(values.queue);
  const workers = integerFlag(values.workers, '--workers', 1, 1024, availableParallelism());
  const study = readStudy(positionals[0]!);
  const jobs = studyJobs(study);
  const runsDir = join(out, study.kind === 'sweep' ? 'blocks' : 'runs');
  ensureDirectory(runsDir);
  const t0 = performance.now();

  const runs = new Map<string, Record<string, unknown>>();
  const failures = new Map<string, StudyFailure>();
  const pending: StudyJob[] = [];
  for (const job of jobs) {
    const run = finishedRun(join(runsDir, `${job.id}.json`));
    if (run) runs.set(job.id, run);
    else pending.push(job);
  }
  const reused = runs.size;
  const progress = createProgress(io, 'study', jobs.length);
  progress.update(reused, reused ? `${reused} finished before` : '');
  try {
    const run =
      queue === null
        ? (j: StudyJob[], f: OnReply) => runLocalPool(j, workers, f)
        : (j: StudyJob[], f: OnReply) => runOnQueue(queue, j, f);
    await run(pending, (job, reply) => {
      if ('result' in reply) {
        writeFileAtomic(join(runsDir, `${job.id}.json`), JSON.stringify(reply.result, null, 1) + '\n');
        runs.set(job.id, reply.result);
      } else failures.set(job.id, { id: job.id, seed: job.seed, error: reply.error });
      const failed = failures.size ? ` · ${failures.size} failed` : '';
      progress.update(runs.size + failures.size, `${runs.size} finished${failed}`);
    });
  } finally {
    progress.done();
  }

  const where = queue ?? counted(workers, 'worker');
  if (study.kind === 'sweep') {
    const r = writeSweepStudy(out, study, jobs, runs, failures);
    const seconds = (performance.now() - t0) / 1000;
    const jobCounts = { total: jobs.length, finished: runs.size, failed: failures.size, reused };
    if (json)
      io.out(
        JSON.stringify({
          name: study.name,
          out,
          jobs: jobCounts,
          points: r.points,
          failed: [...failures.values()],
          files: r.files,
          seconds,
        }),
      );
    else
      io.out(
        `Study ${study.name}: a sweep of ${counted(r.points, 'point')} in ${counted(jobs.length, 'block')}; ` +
          `${runs.size - reused} ran on ${where}${reused ? `, ${reused} finished before` : ''}` +
          `${failures.size ? `, ${failures.size} FAILED (see report.md)` : ''}.\n` +
          `Wrote ${r.files.join(', ')} in ${formatSeconds(seconds)} s (${formatNumber(r.points / seconds, 3)} points/s).`,
      );
    return failures.size > 0 ? 1 : 0;
  }
  const result = studyResult(study, jobs, runs, failures);
  const files = writeStudyFiles(out, result);
  const seconds = (performance.now() - t0) / 1000;
  if (json) {
    const cells = result.cells.map((c) => ({
      params: c.params,
      runs: c.runs,
      failed: c.failed,
      verdict: c.comparison?.verdict ?? null,
    }));
    io.out(JSON.stringify({ name: study.name, out, jobs: { ...result.jobs, reused }, cells, files, seconds }));
  } else io.out(studySummary(result, reused, where, files, seconds));
  return failures.size > 0 ? 1 : 0;
}

/**
 * A sweep study's files: once every block has finished, sweep.csv and the figures exactly as `cocogen sweep` writes
 * them for the whole grid; always study.json (the study, its blocks and any failures) and report.md.
 */
function writeSweepStudy(
  out: string,
  study: Study,
  jobs: readonly StudyJob[],
  runs: ReadonlyMap<string, Record<string, unknown>>,
  failures: ReadonlyMap<string, StudyFailure>,
): { points: number; files: string[] } {
  const setup = sweepSetup(sweepFlags(study), MAX_STUDY_SWEEP_POINTS);
  const blocks = jobs.map((j) => ({
    id: j.id,
    points: j.segments!.reduce((m, s) => m + s.g.length, 0),
    finished: runs.has(j.id),
  }));
  const total = blocks.reduce((n, b) => n + b.points, 0);
  const files: string[] = [];
  let summary: ReturnType<typeof sweepSummary> | null = null;
  if (runs.size === jobs.length) {
    const points = jobs.flatMap((j) => runs.get(j.id)!.points as SweepPoint[]);
    files.push(...writeSweepFiles(out, points, setup).files);
    summary = sweepSummary(points);
  }
  const studyJson = join(out, 'study.json');
  const report = join(out, 'report.md');
  writeFileAtomic(
    studyJson,
    JSON.stringify(
      {
        name: study.name,
        file: study.file,
        kind: study.kind,
        sweep: study.base,
        grid: study.grid,
        points: total,
        blockPoints: study.points,
        blocks,
        failed: [...failures.values()],
        summary,
      },
      null,
      1,
    ) + '\n',
  );
  const lines = [
    `# Study: ${study.name}`,
    '',
    `A sweep of ${counted(total, 'point')} (${setup.grid.g.length} g × ${setup.grid.rivalry.length} λ × ${setup.grid.alpha.length} α × ${setup.grid.cost.length} cost) over ${counted(setup.base.ids.length, 'organization')}, in ${counted(jobs.length, 'block')} of at most ${study.points} points; ${runs.size} finished${failures.size ? `, **${failures.size} failed**` : ''}.`,
    '',
    summary
      ? `${summary.nonPotential} points are not potential games and ${summary.nonConverged} did not converge (see sweep.csv).`
      : 'sweep.csv and the figures are written once every block has finished: run the study again to finish it.',
    ...[...failures.values()].map((f) => `- block ${f.id} failed: ${f.error.message} [${f.error.code}]`),
    '',
    `Files: ${[...files, studyJson, report].map((f) => `\`${f.slice(out.length + 1)}\``).join(', ')}; each block's points are in \`blocks/<id>.json\`.`,
  ];
  writeFileAtomic(report, lines.join('\n') + '\n');
  files.push(studyJson, report);
  return { points: total, files };
}

/** study.json, study.csv, report.md and the figures (when the first axis is numeric), each atomically. */
function writeStudyFiles(out: string, result: StudyResult): string[] {
  const files: string[] = FILES.map((f) => join(out, f));
  writeFileAtomic(files[0]!, JSON.stringify(result, null, 1) + '\n');
  writeFileAtomic(files[1]!, studyCsv(result));
  if (studyFigureDrawable(result.grid)) {
    for (const [name, metric] of FIGURES) {
      const path = join(out, name);
      const cells = result.cells.map((c) => ({ params: c.params, summary: c.comparison?.summary ?? null }));
      const svg = studyFigureSvg({
        title: `${result.name}: ${metric.metric === 'welfare' ? 'measured welfare' : 'synthetic data generated'}`,
        subtitle: `mean over seeds ${result.seeds.join(', ')} with its 95 % interval`,
        axes: result.grid,
        cells: cells as Parameters<typeof studyFigureSvg>[0]['cells'],
        metrics: [metric],
      });
      writeFileAtomic(path, svg);
      files.push(path);
    }
  }
  // Last: the report lists every file written.
  writeFileAtomic(
    files[2]!,
    studyReport(
      result,
      files.map((f) => f.slice(out.length + 1)),
    ),
  );
  return files;
}

/** The terminal's view: a row per cell with the mechanism's verdict, then what was written. */
function studySummary(r: StudyResult, reused: number, where: string, files: string[], seconds: number): string {
  const axes = r.grid.map((a) => a.key);
  const rows = r.cells.map((c) => {
    const best = c.comparison?.verdict.mechanism ?? 'no run finished';
    return [
      ...axes.map((k) => {
        const v = c.params[k]!;
        return typeof v === 'number' ? v : flagText(v);
      }),
      `${c.runs.length - c.failed.length}/${c.runs.length}`,
      best,
    ];
  });
  const ran = r.jobs.finished - reused;
  return [
    `Study ${r.name}: ${counted(r.cells.length, 'cell')} × ${counted(r.seeds.length, 'seed')} = ${counted(r.jobs.total, 'run')}; ` +
      `${ran} ran on ${where}${reused ? `, ${reused} finished before` : ''}${r.jobs.failed ? `, ${r.jobs.failed} FAILED (see report.md)` : ''}.`,
    '',
    table(
      [...axes, 'runs', 'mechanism: measured welfare'],
      rows,
      axes.map(() => ({ significant: 6 })),
    ),
    '',
    `Wrote ${files.join(', ')} and ${counted(r.jobs.finished, 'run file')} in ${formatSeconds(seconds)} s.`,
  ].join('\n');
}
