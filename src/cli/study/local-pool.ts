/**
 * The embedded default of `cocogen study`: jobs run in N forked processes on this machine, no server. Each process
 * takes the next job when it finishes one; a process that dies mid-job (a crash, a kill) fails that job and is
 * replaced, so the rest go on.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { JobReply } from './run-job.js';
import type { StudyJob } from './study-file.js';

const JOB_PROCESS = fileURLToPath(new URL('./job-process.js', import.meta.url));

/**
 * Run `jobs` on `workers` processes; `onReply` gets each job's reply as it arrives (in completion order). Resolves
 * when every job has replied.
 */
export function runLocalPool(
  jobs: readonly StudyJob[],
  workers: number,
  onReply: (job: StudyJob, reply: JobReply) => void,
): Promise<void> {
  const queue = jobs.slice();
  let pending = jobs.length;
  if (pending === 0) return Promise.resolve();
  return new Promise((resolvePool) => {
    const finish = (job: StudyJob, reply: JobReply) => {
      onReply(job, reply);
      if (--pending === 0) resolvePool();
    };
    const start = () => {
      // Dawn's messages and the like stay off the study's terminal: a job's outcome is its reply.
      const child: ChildProcess = fork(JOB_PROCESS, [], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
      let current: StudyJob | undefined;
      const next = () => {
        current = queue.shift();
        if (current === undefined) child.disconnect();
        else child.send({ job: current });
      };
      child.on('message', (reply: JobReply) => {
        const job = current!;
        current = undefined;
        finish(job, reply);
        next();
      });
      child.on('exit', (code, signal) => {
        if (current === undefined) return;
        const job = current;
        current = undefined;
        finish(job, {
          id: job.id,
          error: { code: 'WORKER_LOST', message: `The job's process died (${signal ?? `exit ${code}`}) while it ran` },
        });
        if (queue.length > 0) start();
      });
      next();
    };
    for (let w = 0; w < Math.min(workers, jobs.length); w++) start();
  });
}
