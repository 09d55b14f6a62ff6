import type { ModelDefinition } from "@decart/core";
import { type JobsOptions, Queue } from "bullmq";
import { doneKey, keyPrefix, namesKey, openConnection, pauseKey, type RedisConnection } from "./connection";
import { failureLine } from "./failure";
import { type DecartJobData, type FailureRecord, jobIdFor, prepareItem, type QueueItem } from "./items";
import type { DecartJobResult } from "./worker";

/**
 * Options of {@link createDecartQueue}.
 *
 * @example
 * ```ts
 * import type { DecartQueueOptions } from "@decart/queue";
 *
 * const options: DecartQueueOptions = { name: "restyle", connection: "redis://127.0.0.1:6379", attempts: 5 };
 * ```
 */
export interface DecartQueueOptions {
  /** The queue's name, shared by the producer and every worker (no `:`). */
  name: string;
  /** Redis. @default `REDIS_URL`, else `redis://127.0.0.1:6379` */
  connection?: RedisConnection;
  /** Tries per item for server and network failures (refused inputs fail at the first). @default 3 */
  attempts?: number;
  /** Backoff before the first retry, in milliseconds, doubling for each further one. @default 2000 */
  backoff?: number;
  /**
   * Finished items whose whole queue job is kept, newest first; older ones keep only where their
   * result went (one small hash entry each), which is also what makes adding them again a no-op. @default 1000
   */
  keepCompleted?: number;
  /** Definitions of custom models that items may name, besides the registry's. */
  models?: readonly ModelDefinition[];
  /**
   * How long `add`, `status`, `retryFailed` and `results` wait for a Redis this queue has not reached yet
   * before they reject with a `RedisUnreachableError`, in milliseconds. Once reached, a Redis that goes
   * away is waited for. @default 10000
   */
  connectTimeout?: number;
}

/**
 * Options of `queue.add()`.
 *
 * @example
 * ```ts
 * import type { AddOptions } from "@decart/queue";
 *
 * const options: AddOptions = { baseDir: "/mnt/shared/clips", chunkSize: 1000 };
 * ```
 */
export interface AddOptions {
  /** Relative paths in file inputs are resolved against this folder. @default `process.cwd()` */
  baseDir?: string;
  /** Items checked and added per Redis round trip; memory stays bounded by it. @default 500 */
  chunkSize?: number;
  /** Check every item and count what would be added, adding nothing. @default false */
  dryRun?: boolean;
  /**
   * Hears of each item that cannot be queued (unknown model, refused inputs), which is then skipped.
   * Without it, the first such item rejects the call; the chunks before it are already added.
   */
  onInvalid?: (invalid: { index: number; error: Error }) => void;
}

/**
 * What `queue.add()` did.
 *
 * @example
 * ```ts
 * import type { AddSummary } from "@decart/queue";
 *
 * const line = (summary: AddSummary) => `${summary.added} added, ${summary.existing} already there`;
 * ```
 */
export interface AddSummary {
  /** Items read. */
  total: number;
  /** Items new to the queue (with `dryRun`, that would be). */
  added: number;
  /** Items the queue already had, waiting, running, failed or done. */
  existing: number;
  /** Items skipped as invalid (only with `onInvalid`). */
  invalid: number;
}

/**
 * An item that failed for good, as `status()` lists it.
 *
 * @example
 * ```ts
 * import type { FailedItem } from "@decart/queue";
 *
 * const line = (item: FailedItem) => `${item.key}: ${item.message}`;
 * ```
 */
export interface FailedItem {
  /** The item's key. */
  key: string;
  /** The item's model. */
  model: string;
  /** Attempts made. */
  attempts: number;
  /** The failure in one line: class name, status, request id and message. */
  message: string;
  /** The failure in fields, when the worker recorded it. */
  error?: FailureRecord;
  /** The Decart job of the last attempt, if it got that far. */
  decartJobId?: string;
}

/**
 * The state of a queue across the fleet.
 *
 * @example
 * ```ts
 * import type { QueueStatus } from "@decart/queue";
 *
 * const finished = (status: QueueStatus) => status.waiting + status.active + status.delayed === 0;
 * ```
 */
export interface QueueStatus {
  /** Items waiting for a worker. */
  waiting: number;
  /** Items a worker is running now. */
  active: number;
  /** Items finished, including those whose job history was trimmed. */
  completed: number;
  /** Items that failed for good (refused inputs, or out of attempts). */
  failed: number;
  /** Items waiting for a retry's backoff. */
  delayed: number;
  /** The rest of the fleet-wide pause after a 429, in milliseconds; 0 when there is none. */
  rateLimitedForMs: number;
  /** The failed items, up to the limit asked for. */
  failures: FailedItem[];
}

/**
 * A Decart queue's producer side.
 *
 * @example
 * ```ts
 * import type { DecartQueue } from "@decart/queue";
 *
 * const pending = async (queue: DecartQueue) => (await queue.status()).waiting;
 * ```
 */
export interface DecartQueue {
  /** The BullMQ queue underneath. */
  readonly queue: Queue<DecartJobData, DecartJobResult>;
  /**
   * Checks and adds items, in chunks, streaming: a million-line source is never held in memory. An
   * item already in the queue (by key: waiting, running, failed or done) is not added again. Each
   * output `{name}` belongs to one item: an item whose name another item of the queue holds already
   * (the same clip under several prompts, `day1/a.mp4` beside `day2/a.mp4`) is named `{name}-{key}`, so
   * no result overwrites another.
   */
  add(items: Iterable<QueueItem> | AsyncIterable<QueueItem>, options?: AddOptions): Promise<AddSummary>;
  /** Counts by state, the rate-limit pause and the failed items (the first `failedLimit`, default 100). */
  status(options?: { failedLimit?: number }): Promise<QueueStatus>;
  /** Puts every failed item back in the queue with its attempts reset; resolves how many. */
  retryFailed(): Promise<number>;
  /** Where each finished item's result went, by key. */
  results(): AsyncIterable<{
    /** The item's key. */
    key: string;
    /** Where its result went: an absolute path or an `s3://` URI. */
    output: string;
  }>;
  /** Closes the queue's Redis connection (if it opened it). */
  close(): Promise<void>;
}

/**
 * Opens a Decart queue for adding items and watching the run. Items are the same shape as a line of
 * `decart batch --input` (a model name and its inputs, files as paths, http(s) URLs or `s3://` URIs), and
 * each item's key is its BullMQ job id, so adding the same list twice adds nothing the second time.
 *
 * @example
 * ```ts
 * import { createDecartQueue } from "@decart/queue";
 *
 * const queue = createDecartQueue({ name: "restyle", connection: process.env.REDIS_URL });
 * const summary = await queue.add([
 *   { model: "lucy-pro-v2v", prompt: "Convert to anime", data: "s3://studio-clips/a.mp4" },
 *   { model: "lucy-pro-v2v", prompt: "Convert to anime", data: "s3://studio-clips/b.mp4" },
 * ]);
 * console.log(`${summary.added} added, ${summary.existing} already there`);
 * await queue.close();
 * ```
 */
export function createDecartQueue(options: DecartQueueOptions): DecartQueue {
  const connection = openConnection(options.connection);
  const { redis } = connection;
  const reachable = () => connection.ready(options.connectTimeout ?? 10_000);
  const queue = new Queue<DecartJobData, DecartJobResult>(options.name, { connection: redis });
  queue.on("error", () => {});
  const jobOptions: JobsOptions = {
    attempts: options.attempts ?? 3,
    backoff: { type: "exponential", delay: options.backoff ?? 2_000 },
    removeOnComplete: { count: options.keepCompleted ?? 1_000 },
    removeOnFail: false,
  };

  /** Which of the keys the queue already has: a job under its id, or a finished item. */
  async function known(keys: readonly string[]): Promise<Set<string>> {
    const pipeline = redis.pipeline();
    for (const key of keys) {
      pipeline.exists(`${keyPrefix}:${options.name}:${jobIdFor(key)}`);
      pipeline.hexists(doneKey(options.name), key);
    }
    const replies = (await pipeline.exec()) ?? [];
    const found = new Set<string>();
    keys.forEach((key, index) => {
      const [, job] = replies[index * 2] ?? [];
      const [, done] = replies[index * 2 + 1] ?? [];
      if (job === 1 || done === 1) found.add(key);
    });
    return found;
  }

  /**
   * Gives each item its output name in the queue's names hash, first come first served (HSETNX, so
   * producers adding at once agree); an item whose name another key holds takes `{name}-{key}`.
   */
  async function claimNames(items: DecartJobData[]): Promise<void> {
    const names = namesKey(options.name);
    const claims = redis.pipeline();
    for (const data of items) claims.hsetnx(names, data.name, data.key).hget(names, data.name);
    const replies = (await claims.exec()) ?? [];
    const renamed = redis.pipeline();
    items.forEach((data, index) => {
      const [, holder] = replies[index * 2 + 1] ?? [];
      if (holder === data.key) return;
      data.name = `${data.name}-${data.key}`;
      renamed.hset(names, data.name, data.key);
    });
    if (renamed.length > 0) await renamed.exec();
  }

  async function addChunk(chunk: DecartJobData[], dryRun: boolean): Promise<number> {
    const unique = new Map(chunk.map((data) => [data.key, data]));
    const present = await known([...unique.keys()]);
    const fresh = [...unique.values()].filter((data) => !present.has(data.key));
    if (!dryRun && fresh.length > 0) {
      await claimNames(fresh);
      await queue.addBulk(
        fresh.map((data) => ({ name: data.model, data, opts: { ...jobOptions, jobId: jobIdFor(data.key) } })),
      );
    }
    return fresh.length;
  }

  return {
    queue,
    async add(items, addOptions = {}) {
      await reachable();
      const chunkSize = Math.max(1, addOptions.chunkSize ?? 500);
      const summary: AddSummary = { total: 0, added: 0, existing: 0, invalid: 0 };
      let chunk: DecartJobData[] = [];
      const flush = async () => {
        const added = await addChunk(chunk, addOptions.dryRun ?? false);
        summary.added += added;
        summary.existing += chunk.length - added;
        chunk = [];
      };
      for await (const item of items) {
        const index = summary.total++;
        try {
          chunk.push(
            await prepareItem(item, {
              ...(addOptions.baseDir ? { baseDir: addOptions.baseDir } : {}),
              ...(options.models ? { models: options.models } : {}),
            }),
          );
        } catch (error) {
          if (!addOptions.onInvalid) throw error;
          summary.invalid++;
          addOptions.onInvalid({ index, error: error as Error });
          continue;
        }
        if (chunk.length >= chunkSize) await flush();
      }
      if (chunk.length > 0) await flush();
      return summary;
    },
    async status(statusOptions = {}) {
      await reachable();
      const limit = statusOptions.failedLimit ?? 100;
      const counts = await queue.getJobCounts("waiting", "active", "failed", "delayed", "prioritized");
      const [done, pause, failedJobs] = await Promise.all([
        redis.hlen(doneKey(options.name)),
        redis.pttl(pauseKey(options.name)),
        limit > 0 ? queue.getFailed(0, limit - 1) : [],
      ]);
      const failures = failedJobs.filter(Boolean).map((job): FailedItem => {
        const data = job.data;
        const item: FailedItem = {
          key: data.key,
          model: data.model,
          attempts: job.attemptsMade,
          message: data.error ? failureLine(data.error) : job.failedReason,
        };
        if (data.error) item.error = data.error;
        if (data.decartJobId) item.decartJobId = data.decartJobId;
        return item;
      });
      return {
        waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
        active: counts.active ?? 0,
        completed: done,
        failed: counts.failed ?? 0,
        delayed: counts.delayed ?? 0,
        rateLimitedForMs: Math.max(0, pause),
        failures,
      };
    },
    async retryFailed() {
      await reachable();
      // Job by job: BullMQ's bulk `retryJobs` keeps each job's attempt count, so an item back from the
      // failed set would have no attempts left for its first transient error.
      let retried = 0;
      const skipped = new Set<string>();
      for (;;) {
        const page = (await queue.getFailed(0, skipped.size + 499)).filter(
          (job) => job.id !== undefined && !skipped.has(job.id),
        );
        if (page.length === 0) return retried;
        for (const job of page) {
          try {
            await job.retry("failed", { resetAttemptsMade: true, resetAttemptsStarted: true });
            retried++;
          } catch {
            // Removed or retried by someone else meanwhile: nothing to put back.
            skipped.add(job.id as string);
          }
        }
      }
    },
    async *results() {
      await reachable();
      let cursor = "0";
      do {
        const [next, entries] = await redis.hscan(doneKey(options.name), cursor, "COUNT", 500);
        cursor = next;
        for (let index = 0; index < entries.length; index += 2) {
          yield { key: entries[index] as string, output: entries[index + 1] as string };
        }
      } while (cursor !== "0");
    },
    async close() {
      await queue.close().catch(() => {});
      await connection.close();
    },
  };
}
