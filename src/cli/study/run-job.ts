/**
 * One study job, wherever it runs (a local pool's process, a queue worker's sandboxed process): the `cocogen
 * simulate` run of its flags, or a block of a sweep's points, as a reply that carries either the result or the typed error — never a throw, so that
 * a bad cell is reported and the other jobs go on.
 */
import { CocogenError } from '../../core/errors.js';
import { simulationRun } from '../simulation-run.js';
import { requireFinite } from '../../util/finite.js';
import { sweepBlock, sweepSetup } from '../sweep-run.js';
import { MAX_STUDY_SWEEP_POINTS, type StudyJob } from './study-file.js';

/** What a job sends back. */
export type JobReply =
  { id: string; result: Record<string, unknown> } | { id: string; error: { code: string; message: string } };

export async function runJob(job: StudyJob): Promise<JobReply> {
  try {
    if (job.segments) {
      const points = sweepBlock(sweepSetup(job.flags, MAX_STUDY_SWEEP_POINTS), job.segments);
      requireFinite(points, `Block ${job.cell} of the sweep`);
      return { id: job.id, result: { points } };
    }
    return { id: job.id, result: await simulationRun(job.flags) };
  } catch (e) {
    const error =
      e instanceof CocogenError
        ? { code: e.code, message: e.message }
        : { code: 'INTERNAL', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
    return { id: job.id, error };
  }
}
