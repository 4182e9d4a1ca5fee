/**
 * The process a study job runs in (docs/cli.md, "cocogen study"): the local pool forks it, and each message is one
 * job. Heavy work stays out of the process that coordinates (the pool's parent, a queue worker's lock renewal).
 * Replies { id, result } or { id, error: { code, message } }; exits when its parent goes.
 */
import { CocogenError } from '../../core/errors.js';
import { simulationRun } from '../simulation-run.js';
import type { StudyJob } from './study-file.js';

/** What a job process sends back for one job. */
export type JobReply =
  { id: string; result: Record<string, unknown> } | { id: string; error: { code: string; message: string } };

/** Run one job; a failure is a reply, never a throw (a bad cell must not stop the study). */
export async function runJob(job: StudyJob): Promise<JobReply> {
  try {
    return { id: job.id, result: await simulationRun(job.flags) };
  } catch (e) {
    const error =
      e instanceof CocogenError
        ? { code: e.code, message: e.message }
        : { code: 'INTERNAL', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
    return { id: job.id, error };
  }
}

// Forked with an IPC channel: serve jobs until the parent disconnects.
if (process.send !== undefined) {
  process.on('message', (message: { job: StudyJob }) => {
    void runJob(message.job).then((reply) => process.send!(reply));
  });
  process.on('disconnect', () => process.exit(0));
}
