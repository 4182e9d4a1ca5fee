import { availableParallelism } from 'node:os';
import { integerFlag, noPositionals } from '../flags.js';
import type { Io } from '../output.js';
import { queueUrl, runWorker } from '../study/queue.js';

export const WORKER_HELP = `cocogen worker --queue redis://HOST:PORT[/DB] [--concurrency N] [--lock-seconds S]
  Takes the jobs of cocogen study --queue from Redis and runs them, N at once (default: the number of cores),
  each in a sandboxed process of its own so that a long run never stalls the job's lock. Start as many as you
  like, on any machine that reaches the server and has the data and curve files the study names. Runs until
  SIGINT or SIGTERM, finishing the jobs it holds. A worker that dies mid-job loses nothing: its job is taken
  over by another after its lock expires (--lock-seconds, default 30: about 2S after the death), up to 3 tries.
  Prints one line per job it finishes or fails.`;

export async function workerCommand(io: Io, values: Record<string, unknown>, positionals: string[]): Promise<number> {
  noPositionals(positionals, 'worker');
  const url = queueUrl(values.queue); // required: undefined is refused like any other bad URL
  const concurrency = integerFlag(values.concurrency, '--concurrency', 1, 1024, availableParallelism());
  const lockSeconds = integerFlag(values['lock-seconds'], '--lock-seconds', 1, 3600, 30);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await runWorker(url, stop.signal, {
      concurrency,
      lockSeconds,
      onJob: (id, outcome, detail) => io.out(`${outcome} ${id}${detail ? `: ${detail}` : ''}`),
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return 0;
}
