/**
 * The process the local pool forks for study jobs (local-pool.ts): each message is one job, each reply its
 * JobReply. Exits when its parent goes.
 */
import { runJob } from './run-job.js';
import type { StudyJob } from './study-file.js';

process.on('message', (message: { job: StudyJob }) => {
  void runJob(message.job).then((reply) => process.send!(reply));
});
process.on('disconnect', () => process.exit(0));
