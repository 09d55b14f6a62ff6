import { join } from "node:path";
import type { ModelDefinition } from "@decart/core";
import type { Engine } from "../engine/index";
import { HttpError, quote } from "../http/index";
import { mediaInputError, outputExtension, type RequestPlan, removeTree, renderPlan } from "../inputs/index";
import type { InFlight } from "./in-flight";
import { isActive, type Job, JobStore } from "./job-store";
import type { WorkQueue } from "./work-queue";

/** What a {@link JobService} works with. */
export interface JobServiceOptions {
  readonly engine: Engine;
  readonly queue: WorkQueue;
  readonly inFlight: InFlight;
  /** Where results are written. */
  readonly resultsDir: string;
  /** The emulator's work folder, kept out of error messages. */
  readonly workRoot: string;
  readonly resultTtlMs: number;
}

/** A completed job's result on disk. */
export interface JobResult {
  readonly path: string;
  readonly contentType: string;
  readonly seed: number;
}

/** A claim on an `Idempotency-Key` while its submission uploads; see {@link JobService.reserve}. */
export interface KeyReservation {
  /** Ends the claim: later submissions with the key see `job` (or, for `undefined`, none). */
  release(job: Job | undefined): void;
}

const abortError = (message: string): Error => Object.assign(new Error(message), { name: "AbortError" });

/**
 * The jobs of an emulator: starting a job's render through the queue, its status, cancelling it, its
 * result, idempotency keys, and the expiry of finished jobs (with their result files).
 */
export class JobService {
  private readonly store: JobStore;
  /** Submissions with an idempotency key that are still uploading. */
  private readonly pendingKeys = new Map<string, Promise<Job | undefined>>();
  /** Set by {@link stop}: no job starts after it. */
  #stopped = false;

  constructor(private readonly options: JobServiceOptions) {
    this.store = new JobStore(options.resultTtlMs);
  }

  /** The job `id`; throws the 404 `JOB_NOT_FOUND` for an unknown or expired one. */
  find(id: string): Job {
    const job = this.store.get(id);
    if (job) return job;
    throw new HttpError(404, "JOB_NOT_FOUND", `No job ${quote(id)}; it never existed or its result expired`);
  }

  /** The job submitted with `key`, waiting for a submission with that key that is still uploading. */
  async byKey(key: string): Promise<Job | undefined> {
    return this.store.byKey(key) ?? (await this.pendingKeys.get(key));
  }

  /** Claims `key` while its submission uploads, so a concurrent retry waits for the first one's job. */
  reserve(key: string): KeyReservation {
    let announce: (job: Job | undefined) => void = () => {};
    const pending = new Promise<Job | undefined>((resolve) => (announce = resolve));
    this.pendingKeys.set(key, pending);
    return {
      release: (job) => {
        announce(job);
        if (this.pendingKeys.get(key) === pending) this.pendingKeys.delete(key);
      },
    };
  }

  /**
   * Creates a pending job and queues its render (throws the 429 when the queue is full). `directory`
   * holds the job's uploads and is deleted once the job's work is over.
   */
  start(model: ModelDefinition, request: RequestPlan, key: string | undefined, directory: string): Job {
    // A submission still uploading when the emulator began to close renders nothing.
    if (this.#stopped) throw new HttpError(503, "SHUTTING_DOWN", "The emulator is shutting down");
    this.options.queue.assertRoom();
    const job = this.store.create(model.name, request.seed, key);
    const outputPath = join(this.options.resultsDir, `${job.id}.${outputExtension(model)}`);
    const signal = job.controller.signal;
    const work = this.options.queue.run(
      () =>
        renderPlan(this.options.engine, request.plan, request.seed, outputPath, signal, (fraction) => {
          if (job.status === "processing") job.progress = Math.max(0, Math.min(1, fraction));
        }),
      signal,
      () => {
        if (job.status === "pending") {
          job.status = "processing";
          job.progress = 0;
        }
      },
    );
    job.settled = this.options.inFlight.track(
      work
        .then(
          async (result) => {
            if (job.status === "cancelled") return removeTree(outputPath);
            job.resultPath = result.outputPath;
            job.contentType = result.contentType;
            this.store.finish(job, "completed");
          },
          (error: unknown) => this.fail(job, model, error),
        )
        .finally(() => removeTree(directory)),
    );
    return job;
  }

  private fail(job: Job, model: ModelDefinition, error: unknown): void {
    if (job.status === "cancelled" || job.controller.signal.aborted) {
      if (isActive(job)) this.store.finish(job, "cancelled");
      return;
    }
    const known = mediaInputError(model, error, this.options.workRoot);
    const message = known
      ? known.message
      : `The render failed: ${String((error as Error)?.message ?? error)}`;
    this.store.finish(job, "failed", message);
  }

  /** Cancels job `id` if it is still active; returns the job either way. */
  cancel(id: string): Job {
    const job = this.find(id);
    this.abort(job, "Cancelled by the client", abortError("The job was cancelled"));
    return job;
  }

  /** Marks an active job cancelled with `message` and aborts its render with `reason`. */
  private abort(job: Job, message: string, reason: Error): void {
    if (!isActive(job)) return;
    this.store.finish(job, "cancelled", message);
    job.controller.abort(reason);
  }

  /** The result of job `id`; throws the 409 `JOB_NOT_COMPLETED` until it is completed. */
  result(id: string): JobResult {
    const job = this.find(id);
    if (job.status === "completed" && job.resultPath && job.contentType) {
      return { path: job.resultPath, contentType: job.contentType, seed: job.seed };
    }
    const detail =
      job.status === "cancelled"
        ? "was cancelled"
        : job.status === "failed"
          ? `failed: ${job.error ?? "unknown error"}`
          : `is ${job.status}`;
    throw new HttpError(
      409,
      "JOB_NOT_COMPLETED",
      `Job ${job.id} ${detail}; its content exists only once it is completed`,
    );
  }

  /** Cancels every active job and stops the expiry sweep (shutdown). */
  stop(reason: Error): void {
    this.#stopped = true;
    for (const job of this.store.all()) this.abort(job, "The emulator shut down", reason);
    this.store.stop();
  }
}
