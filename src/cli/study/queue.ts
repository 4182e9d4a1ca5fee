/**
 * Studies across machines on BullMQ / Redis (docs/cli.md, "Studies on a queue"): `cocogen study --queue URL` adds its
 * jobs to one queue and collects their return values; `cocogen worker --queue URL` processes on any machine take
 * them. A job's id is its run's id (a hash of the version, backend and config), so re-adding is a no-op and a finished
 * run is read back instead of run again. Delivery is at least once: a job whose worker dies is taken over by another
 * after its lock expires, and the study files its result once.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Job, Queue, QueueEvents, Worker } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { CocogenError, invalidArgument } from '../../core/errors.js';
import type { JobReply } from './run-job.js';
import type { StudyJob } from './study-file.js';

/** The queue every study and worker shares: runs are keyed by content, so studies share finished runs too. */
export const QUEUE_NAME = 'cocogen-study';
/** Tries per job: a worker that dies, or a sandboxed process that crashes, costs one. */
export const JOB_ATTEMPTS = 3;
const PROCESSOR = fileURLToPath(new URL('./queue-processor.js', import.meta.url));

/** `redis://HOST:PORT[/DB]` checked, else INVALID_ARGUMENT naming `flag`. */
export function queueUrl(value: unknown, flag = '--queue'): string {
  const rule = 'a Redis URL redis://HOST:PORT[/DB]';
  if (typeof value !== 'string') throw invalidArgument(flag, rule, value);
  const m = /^redis:\/\/([^/:@\s]+|\[[0-9a-fA-F:]+\]):(\d{1,5})(?:\/(\d{1,2}))?$/.exec(value);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535 || Number(m[3] ?? 0) > 15)
    throw invalidArgument(flag, rule, value);
  return value;
}

function unavailable(url: string, why: string): CocogenError {
  return new CocogenError(
    'QUEUE_UNAVAILABLE',
    `Could not reach Redis at ${url}: ${why}. Start it (redis-server --port PORT) or check the URL and the network`,
    { url },
  );
}

/**
 * Connect within `seconds`, once, and check the server: QUEUE_UNAVAILABLE naming the URL when it does not answer (a
 * client that retried forever would hang), or when it may evict keys (BullMQ's jobs would silently vanish).
 */
export async function checkRedis(url: string, seconds = 5): Promise<void> {
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: seconds * 1000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  let lastError = '';
  probe.on('error', (e: Error) => (lastError = e.message)); // the socket's reason (ECONNREFUSED …), reported below
  try {
    await probe.connect();
    await probe.ping();
    let policy: string | undefined;
    try {
      policy = ((await probe.config('GET', 'maxmemory-policy')) as string[])[1];
    } catch {
      policy = undefined; // CONFIG may be disabled (managed Redis): nothing to check
    }
    if (policy !== undefined && policy !== 'noeviction')
      throw new CocogenError(
        'QUEUE_UNAVAILABLE',
        `Redis at ${url} has maxmemory-policy ${policy}: it may evict the queue's keys. Set maxmemory-policy noeviction`,
        { url },
      );
  } catch (e) {
    if (e instanceof CocogenError) throw e;
    throw unavailable(url, (lastError || (e as Error).message || 'no answer').replace(/\.+$/, ''));
  } finally {
    // QUIT lets the server close the socket now; a bare disconnect() left it open for about a second at exit.
    await probe.quit().catch(() => probe.disconnect());
  }
}

/**
 * Connection options for BullMQ from the URL: handed options (not a client), BullMQ owns its connections and closes
 * them all on close(), so the process exits at once. It retries while the server restarts (BullMQ wants no
 * per-request limit).
 */
function connection(url: string): RedisOptions {
  const u = new URL(url);
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: Number(u.port),
    db: Number(u.pathname.slice(1) || 0),
    maxRetriesPerRequest: null,
  };
}

/** A reply from what BullMQ stored: the processor's return value, or the reason the job failed for good. */
function replyOf(id: string, job: Job | undefined, state: string): JobReply | null {
  if (state === 'completed' && job) return job.returnvalue as JobReply;
  if (state === 'failed' && job)
    return {
      id,
      error: {
        code: 'WORKER_LOST',
        message: `The job failed on every one of its ${JOB_ATTEMPTS} tries: ${job.failedReason}`,
      },
    };
  return null;
}

/**
 * Add `jobs` to the queue at `url` and wait for each one's reply (`onReply` in completion order). Jobs finished
 * earlier (by another study, or before this one was killed) reply at once from what Redis holds.
 */
export async function runOnQueue(
  url: string,
  jobs: readonly StudyJob[],
  onReply: (job: StudyJob, reply: JobReply) => void,
): Promise<void> {
  if (jobs.length === 0) return;
  await checkRedis(url);
  const queue = new Queue(QUEUE_NAME, { connection: connection(url) });
  // Events are read from the stream's last entry now, not from '$' once the reader is up: a job finishing in between
  // would otherwise be seen only by the slow poll below.
  const client = (await queue.client) as unknown as Redis; // an ioredis client, from the options above
  const last = (await client.xrevrange(queue.keys.events!, '+', '-', 'COUNT', 1))[0]?.[0] ?? '0-0';
  const events = new QueueEvents(QUEUE_NAME, { connection: connection(url), lastEventId: last });
  const waiting = new Map(jobs.map((j) => [j.id, j]));
  let settle: () => void = () => {};
  const done = new Promise<void>((r) => (settle = r));
  const deliver = (id: string, reply: JobReply | null) => {
    const job = waiting.get(id);
    if (!job || reply === null) return;
    waiting.delete(id);
    onReply(job, reply);
    if (waiting.size === 0) settle();
  };
  // Looks in flight are awaited before the connections close, so that none runs on a closed one. A look that fails
  // (the server restarting) is dropped: the poll below looks again.
  const inFlight = new Set<Promise<void>>();
  let closing = false;
  const look = (id: string): Promise<void> => {
    if (closing || !waiting.has(id)) return Promise.resolve();
    const p = (async () => {
      const job = await Job.fromId(queue, id);
      deliver(id, replyOf(id, job, job ? await job.getState() : 'unknown'));
    })()
      .catch(() => {})
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
    return p;
  };
  try {
    await events.waitUntilReady();
    events.on('completed', ({ jobId }) => void look(jobId));
    // 'failed' also fires for a try that will be retried: only the job's state says whether it is final.
    events.on('failed', ({ jobId }) => void look(jobId));
    await queue.addBulk(
      jobs.map((j) => ({
        name: j.segments ? 'sweep' : 'simulate',
        data: { job: j },
        opts: { jobId: j.id, attempts: JOB_ATTEMPTS, backoff: { type: 'exponential', delay: 1000 } },
      })),
    );
    // Re-adding a finished job is a no-op: read what it left. And look again now and then, in case an event was
    // missed while a connection was down.
    for (const id of [...waiting.keys()]) await look(id);
    const poll = setInterval(() => {
      for (const id of [...waiting.keys()].slice(0, 200)) void look(id);
    }, 5000);
    try {
      await done;
    } finally {
      clearInterval(poll);
    }
  } finally {
    closing = true;
    events.removeAllListeners();
    await Promise.allSettled([...inFlight]);
    await events.close();
    await queue.close();
  }
}

export interface WorkerOptions {
  /** jobs at once, each in a sandboxed process (default: the number of cores) */
  concurrency?: number;
  /** a job's lock lasts this long without renewal; a dead worker's job is taken over after about twice it */
  lockSeconds?: number;
  /** told of each finished or failed job */
  onJob?: (id: string, outcome: 'completed' | 'failed', detail: string) => void;
}

/**
 * Take jobs from the queue at `url` until `signal` aborts, each run in a sandboxed process. Resolves once the worker
 * has closed (jobs in progress are finished first).
 */
export async function runWorker(url: string, signal: AbortSignal, options: WorkerOptions = {}): Promise<void> {
  await checkRedis(url);
  const lock = (options.lockSeconds ?? 30) * 1000;
  const worker = new Worker(QUEUE_NAME, PROCESSOR, {
    connection: connection(url),
    concurrency: options.concurrency ?? availableParallelism(),
    lockDuration: lock,
    stalledInterval: lock,
    // A job stalls when its worker dies; it may do so twice before it fails for good.
    maxStalledCount: JOB_ATTEMPTS - 1,
  });
  worker.on('completed', (job) => options.onJob?.(job.id!, 'completed', ''));
  worker.on('failed', (job, error) => options.onJob?.(job?.id ?? '?', 'failed', error.message));
  worker.on('error', () => {}); // connection trouble: ioredis reconnects
  await worker.waitUntilReady();
  await new Promise<void>((r) => (signal.aborted ? r() : signal.addEventListener('abort', () => r(), { once: true })));
  await worker.close();
}
