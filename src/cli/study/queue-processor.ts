/**
 * The sandboxed processor of `cocogen worker` (BullMQ loads it in a process of its own): the job's computation runs
 * here, away from the worker process that renews the job's lock, so a long run never stalls it.
 */
import type { SandboxedJob } from 'bullmq';
import { runJob, type JobReply } from './run-job.js';
import type { StudyJob } from './study-file.js';

export default function processStudyJob(job: SandboxedJob<{ job: StudyJob }, JobReply>): Promise<JobReply> {
  return runJob(job.data.job);
}

// BullMQ's child outlives a worker that is SIGKILLed (and then spins on its closed channel): leave with the parent.
process.on('disconnect', () => process.exit(1));
