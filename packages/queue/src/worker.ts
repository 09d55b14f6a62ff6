import type { S3Client } from "@aws-sdk/client-s3";
import type { DecartClient, ModelDefinition, ProgressEvent } from "@decart/core";
import { type Job, UnrecoverableError, WaitingError, Worker } from "bullmq";
import { doneKey, extendPause, openConnection, pauseKey, type RedisConnection } from "./connection";
import { failureLine, failureRecord, judge } from "./failure";
import { openInputs } from "./inputs";
import { type DecartJobData, modelNamed } from "./items";
import { createS3Client, type S3Options } from "./s3";
import { extensionOf, type ResultStore, resultStore } from "./store";

/**
 * What a finished queue job resolves with: where the result went, never the media itself.
 *
 * @example
 * ```ts
 * import type { DecartJobResult } from "@decart/queue";
 *
 * const line = (result: DecartJobResult) => `${result.key} → ${result.output} (${result.bytes} bytes)`;
 * ```
 */
export interface DecartJobResult {
  /** The item's key. */
  key: string;
  /** The saved result: an absolute path or an `s3://` URI. */
  output: string;
  /** The Decart job that made it; `""` for an image, which the API makes in one synchronous call. */
  decartJobId: string;
  /** The result's size. */
  bytes: number;
}

/**
 * What a worker reports as it goes, for a progress line or logs.
 *
 * @example
 * ```ts
 * import type { WorkerEvent } from "@decart/queue";
 *
 * const log = (event: WorkerEvent) => console.log(event.type, event.key);
 * ```
 */
export type WorkerEvent =
  | {
      /** The item was submitted, and its Decart job id recorded. */
      type: "submitted";
      /** The item's key. */
      key: string;
      /** Its Decart job. */
      decartJobId: string;
    }
  | {
      /** An earlier attempt had submitted the item: its Decart job is polled, not submitted again. */
      type: "resumed";
      /** The item's key. */
      key: string;
      /** Its Decart job. */
      decartJobId: string;
    }
  | {
      /** The Decart job reported a status or progress. */
      type: "progress";
      /** The item's key. */
      key: string;
      /** The job's status. */
      status: string;
      /** Fraction done, 0..1, where the server reports it. */
      progress?: number;
    }
  | {
      /** The result is stored. */
      type: "completed";
      /** The item's key. */
      key: string;
      /** Where it went. */
      result: DecartJobResult;
    }
  | {
      /** The attempt failed. */
      type: "failed";
      /** The item's key. */
      key: string;
      /** The failure in one line. */
      message: string;
      /** `true` when the item fails for good now; `false` when it will be retried while attempts remain. */
      final: boolean;
    }
  | {
      /** The API answered 429: every worker pauses, and the item goes back uncounted. */
      type: "rate-limited";
      /** The item's key. */
      key: string;
      /** How long the fleet pauses. */
      delayMs: number;
    }
  | {
      /**
       * The API refused this worker's key (401): the item went back to the queue uncounted, for a worker
       * whose key works, and this worker is stopping.
       */
      type: "key-rejected";
      /** The item's key. */
      key: string;
      /** The refusal in one line. */
      message: string;
    }
  | {
      /** The worker stopped past its grace period and handed the item back to the queue. */
      type: "returned";
      /** The item's key. */
      key: string;
      /** Its Decart job, which the next worker polls. */
      decartJobId?: string;
    };

/**
 * Options of {@link startDecartWorker}.
 *
 * @example
 * ```ts
 * import type { DecartWorkerOptions } from "@decart/queue";
 * import { createDecartClient } from "@decart/core";
 *
 * const options: DecartWorkerOptions = {
 *   name: "restyle",
 *   client: createDecartClient({ apiKey: process.env.DECART_API_KEY, retry: { rateLimited: false } }),
 *   output: "s3://studio-renders/anime/",
 *   concurrency: 4,
 * };
 * ```
 */
export interface DecartWorkerOptions {
  /** The queue's name, as given to `createDecartQueue`. */
  name: string;
  /** Redis. @default `REDIS_URL`, else `redis://127.0.0.1:6379` */
  connection?: RedisConnection;
  /**
   * The client that talks to the API. For one pause across the fleet on a 429, give it
   * `retry: { rateLimited: false }`, so a rate limit comes back to the worker at once instead of being
   * waited out inside one process while the other workers keep submitting.
   */
  client: DecartClient;
  /** Where results go: a folder (a shared mount) or `s3://bucket/prefix/`, or a store of your own. */
  output: string | ResultStore;
  /** File or object names under `output`, from `{name}`, `{key}` and `{ext}`. @default "{name}.{ext}" */
  template?: string;
  /** S3 settings for `s3://` outputs and inputs. @default from the `AWS_*` environment variables */
  s3?: S3Options;
  /** Items this worker runs at once. @default 4 */
  concurrency?: number;
  /**
   * How long a worker's hold on a job lasts without renewal, in milliseconds: a worker that died
   * (`kill -9`) has its jobs taken over by another within about twice this. @default 10000
   */
  lockDuration?: number;
  /** A steady limit for the whole fleet: at most `max` items started per `duration` ms. */
  limiter?: {
    /** Items started per window, across the fleet. */
    max: number;
    /** The window, in milliseconds. */
    duration: number;
  };
  /**
   * How long `close()` lets the items in flight finish, in milliseconds. Past it, they go back to the
   * queue with their Decart job ids, so the next worker polls them instead of submitting again. @default 30000
   */
  gracePeriod?: number;
  /** Definitions of custom models that items may name, besides the registry's. */
  models?: readonly ModelDefinition[];
  /** Every step of every item. A listener that throws is ignored. */
  onEvent?: (event: WorkerEvent) => void;
}

/**
 * A running worker.
 *
 * @example
 * ```ts
 * import type { DecartWorker } from "@decart/queue";
 *
 * const stop = (worker: DecartWorker) => worker.close();
 * ```
 */
export interface DecartWorker {
  /** The BullMQ worker underneath, for its events and settings. */
  readonly worker: Worker<DecartJobData, DecartJobResult>;
  /**
   * Stops taking items and waits for those in flight, up to the grace period; what is still running
   * then goes back to the queue. Resolves once everything is released; safe to call more than once.
   */
  close(): Promise<void>;
}

/**
 * The `Idempotency-Key` of an item's submission: the same for a resend after a crash between the
 * submission's answer and the write of its job id, so a server that honours the header (the emulator)
 * answers with the job it already made; a new one once a job of the item is known to be over.
 */
function idempotencyKeyOf(queue: string, data: DecartJobData): string {
  return `decart-queue:${queue}:${data.key}:${data.submissions ?? 0}`;
}

/** Statuses not written to Redis as progress: the queue job's own state says as much. */
const quietStatuses = new Set(["pending", "completed", "failed", "cancelled"]);

/** A limiter so high it never binds: BullMQ honours `worker.rateLimit()` only when the worker has one. */
const unboundedLimiter = { max: Number.MAX_SAFE_INTEGER - 1, duration: 1_000 };

/**
 * Starts a worker of a Decart queue. Each item is submitted once: the Decart job id is written to the
 * queue job before it is polled, so an item whose worker died or stopped is polled by the next worker,
 * never submitted again. A 429 pauses every worker of the queue for the `Retry-After` and puts the item
 * back without counting an attempt; refused inputs fail the item at once; server and network failures
 * are retried with backoff; results go to the output folder or S3, and Redis keeps where.
 *
 * @example
 * ```ts
 * import { createDecartClient } from "@decart/core";
 * import { startDecartWorker } from "@decart/queue";
 *
 * const worker = startDecartWorker({
 *   name: "restyle",
 *   connection: process.env.REDIS_URL,
 *   client: createDecartClient({ apiKey: process.env.DECART_API_KEY, retry: { rateLimited: false } }),
 *   output: "s3://studio-renders/anime/",
 *   concurrency: 4,
 * });
 * process.once("SIGTERM", () => void worker.close());
 * ```
 */
export function startDecartWorker(options: DecartWorkerOptions): DecartWorker {
  const connection = openConnection(options.connection);
  const { redis } = connection;
  const store = resultStore(options.output, options.template, options.s3 ?? {});
  let s3: Promise<S3Client> | undefined;
  const s3Client = () => {
    s3 ??= createS3Client(options.s3 ?? {});
    return s3;
  };
  const stopping = new AbortController();
  const lockDuration = options.lockDuration ?? 10_000;
  const tell = (event: WorkerEvent) => {
    try {
      options.onEvent?.(event);
    } catch {
      // A listener's failure is not the item's.
    }
  };

  /** Opens the item's files for one call, and releases them (temporary S3 downloads) after it. */
  async function withInputs<T>(
    model: ModelDefinition,
    data: DecartJobData,
    call: (inputs: Record<string, unknown>) => Promise<T>,
  ): Promise<T> {
    if ((await redis.pttl(pauseKey(options.name))) > 0) throw Worker.RateLimitError();
    // Under the stop signal: nothing was sent yet, so a download cut short puts the item back untouched.
    const opened = await openInputs(model, data.inputs, s3Client, stopping.signal);
    try {
      return await call(opened.inputs);
    } finally {
      await opened.release();
    }
  }

  async function save(data: DecartJobData, result: Blob, decartJobId: string): Promise<DecartJobResult> {
    const names = { name: data.name, key: data.key, ext: extensionOf(result.type) };
    // Under the stop signal: a save cut short past the grace period leaves nothing, and the item goes back
    // with its Decart job id, whose result the next worker fetches and saves.
    const saved = await store.save(result, names, stopping.signal);
    await redis.hset(doneKey(options.name), data.key, saved.location);
    return { key: data.key, output: saved.location, decartJobId, bytes: saved.bytes };
  }

  async function run(
    job: Job<DecartJobData, DecartJobResult>,
    data: DecartJobData,
  ): Promise<DecartJobResult> {
    const model = modelNamed(data.model, options.models);
    if (model.kind === "image") {
      // Image models answer synchronously (POST /v1/generate): there is no job to record or resume.
      const image = await withInputs(model, data, (inputs) =>
        options.client.process({ model, ...inputs } as never),
      );
      return save(data, image, "");
    }
    let decartJobId = data.decartJobId;
    if (decartJobId === undefined) {
      // Not under the stop signal: a submission that went out is seen through, so its id is recorded.
      decartJobId = await withInputs(model, data, async (inputs) => {
        const submitted = await options.client.queue.submit({
          model,
          ...inputs,
          idempotencyKey: idempotencyKeyOf(options.name, data),
        } as never);
        return submitted.job_id;
      });
      data.decartJobId = decartJobId;
      await job.updateData(data);
      tell({ type: "submitted", key: data.key, decartJobId });
    } else {
      tell({ type: "resumed", key: data.key, decartJobId });
    }
    const onProgress = (event: ProgressEvent) => {
      const progress = event.progress === undefined ? {} : { progress: event.progress };
      // Redis hears of work under way only: a job's start and end are its queue states already.
      if (!quietStatuses.has(event.status))
        job.updateProgress({ status: event.status, ...progress }).catch(() => {});
      tell({ type: "progress", key: data.key, status: event.status, ...progress });
    };
    const outcome = await options.client.queue.poll(decartJobId, {
      model,
      signal: stopping.signal,
      onProgress,
    });
    if (outcome.status === "failed") {
      // The job is over on the server: a retry submits the item afresh, under a new idempotency key.
      delete data.decartJobId;
      data.submissions = (data.submissions ?? 0) + 1;
      await job.updateData(data);
      throw outcome.error;
    }
    return save(data, outcome.data, decartJobId);
  }

  async function processJob(job: Job<DecartJobData, DecartJobResult>, token?: string) {
    const data: DecartJobData = { ...job.data };
    delete data.error;
    try {
      const result = await run(job, data);
      tell({ type: "completed", key: data.key, result });
      return result;
    } catch (error) {
      if (stopping.signal.aborted && (error as Error)?.name === "AbortError") {
        // Past the grace period: back to the queue, its Decart job id recorded for the next worker.
        await job.moveToWait(token);
        tell({
          type: "returned",
          key: data.key,
          ...(data.decartJobId ? { decartJobId: data.decartJobId } : {}),
        });
        throw new WaitingError();
      }
      if ((error as Error)?.message === Worker.RateLimitError().message) throw error;
      const verdict = judge(error);
      if (verdict.kind === "key-rejected") {
        // Not the item's fault: it goes back as it was, and a worker whose key works takes it.
        await job.moveToWait(token);
        tell({ type: "key-rejected", key: data.key, message: failureLine(failureRecord(error, false)) });
        void decartWorker.close();
        throw new WaitingError();
      }
      if (verdict.kind === "rate-limited") {
        const delayMs = await extendPause(redis, options.name, verdict.delayMs);
        await worker.rateLimit(delayMs);
        tell({ type: "rate-limited", key: data.key, delayMs });
        throw Worker.RateLimitError();
      }
      if (
        data.decartJobId !== undefined &&
        (error as { status?: number })?.status === 404 &&
        (error as { code?: string })?.code !== "MODEL_NOT_FOUND"
      ) {
        // The server no longer knows the recorded job: the next attempt submits the item afresh.
        delete data.decartJobId;
        data.submissions = (data.submissions ?? 0) + 1;
      }
      const final = verdict.kind === "final";
      data.error = failureRecord(error, final);
      await job.updateData(data).catch(() => {});
      tell({ type: "failed", key: data.key, message: failureLine(data.error), final });
      if (final) throw new UnrecoverableError(failureLine(data.error));
      throw error;
    }
  }

  const worker = new Worker<DecartJobData, DecartJobResult>(options.name, processJob, {
    connection: redis,
    concurrency: options.concurrency ?? 4,
    lockDuration,
    // A dead worker's jobs are found by this check: run it as often as a lock may lapse.
    stalledInterval: lockDuration,
    maxStalledCount: 3,
    limiter: options.limiter ?? unboundedLimiter,
    autorun: true,
  });
  // Connection errors are retried by ioredis and BullMQ; the processor's errors are reported through onEvent.
  worker.on("error", () => {});

  let closing: Promise<void> | undefined;
  const decartWorker: DecartWorker = {
    worker,
    close() {
      closing ??= (async () => {
        const timer = setTimeout(
          () => stopping.abort(new DOMException("The worker is stopping", "AbortError")),
          options.gracePeriod ?? 30_000,
        );
        try {
          await worker.close();
        } finally {
          clearTimeout(timer);
          await connection.close();
        }
      })();
      return closing;
    },
  };
  return decartWorker;
}
