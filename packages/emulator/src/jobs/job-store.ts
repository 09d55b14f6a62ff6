import { randomBytes } from "node:crypto";
import { removeTree } from "../inputs/index";

/**
 * Where a job is in its life, as the server tracks it. `cancelled` never reaches the wire as a status:
 * see {@link jobBody}.
 */
export type JobStatus = "pending" | "processing" | "completed" | "failed" | "cancelled";

/** One queued generation, as the server tracks it. */
export interface Job {
  readonly id: string;
  readonly model: string;
  readonly seed: number;
  readonly createdAt: number;
  readonly controller: AbortController;
  readonly idempotencyKey: string | undefined;
  status: JobStatus;
  progress: number | undefined;
  error: string | undefined;
  finishedAt: number | undefined;
  resultPath: string | undefined;
  contentType: string | undefined;
  /** Settles when the job's work (and its clean-up) is over. */
  settled: Promise<void>;
}

/**
 * The wire form of a job, in the statuses Decart's official clients know (`pending`, `processing`,
 * `completed`, `failed`): they poll for ever on any other. A cancelled job is `failed`, so they stop.
 * With extensions on it adds `progress`, the `error` message and, for a cancelled job, `"cancelled": true`;
 * off, it is exactly `{ job_id, status }`, all the real API is known to send.
 */
export function jobBody(job: Job, extensions: boolean): Record<string, unknown> {
  const cancelled = job.status === "cancelled";
  const body: Record<string, unknown> = { job_id: job.id, status: cancelled ? "failed" : job.status };
  if (!extensions) return body;
  if (job.progress !== undefined) body.progress = job.progress;
  if (job.error !== undefined) body.error = job.error;
  if (cancelled) body.cancelled = true;
  return body;
}

/** Whether the job can still change. */
export const isActive = (job: Job): boolean => job.status === "pending" || job.status === "processing";

/**
 * Jobs by id, idempotency keys, and the time-to-live sweep that deletes finished jobs and their
 * result files.
 */
export class JobStore {
  private readonly jobs = new Map<string, Job>();
  private readonly keys = new Map<string, string>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly ttlMs: number) {
    this.timer = setInterval(() => void this.sweep(), Math.max(50, Math.min(ttlMs / 2, 60_000)));
    this.timer.unref();
  }

  /** Creates a pending job. */
  create(model: string, seed: number, idempotencyKey: string | undefined): Job {
    const job: Job = {
      id: `job_${randomBytes(12).toString("hex")}`,
      model,
      seed,
      createdAt: Date.now(),
      controller: new AbortController(),
      idempotencyKey,
      status: "pending",
      progress: undefined,
      error: undefined,
      finishedAt: undefined,
      resultPath: undefined,
      contentType: undefined,
      settled: Promise.resolve(),
    };
    this.jobs.set(job.id, job);
    if (idempotencyKey !== undefined) this.keys.set(idempotencyKey, job.id);
    return job;
  }

  /** Forgets a job that never got going (its submission failed). */
  discard(job: Job): void {
    this.jobs.delete(job.id);
    if (job.idempotencyKey !== undefined && this.keys.get(job.idempotencyKey) === job.id) {
      this.keys.delete(job.idempotencyKey);
    }
  }

  get(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  /** The job submitted earlier with this `Idempotency-Key`. */
  byKey(key: string): Job | undefined {
    const id = this.keys.get(key);
    return id === undefined ? undefined : this.jobs.get(id);
  }

  /** Marks a job finished now. */
  finish(job: Job, status: Exclude<JobStatus, "pending" | "processing">, error?: string): void {
    job.status = status;
    job.finishedAt = Date.now();
    if (error !== undefined) job.error = error;
    if (status === "completed") job.progress = 1;
  }

  /** Every job, for shutdown. */
  all(): Job[] {
    return [...this.jobs.values()];
  }

  /** Deletes jobs that finished more than the time-to-live ago, with their result files. */
  async sweep(now = Date.now()): Promise<void> {
    const expired = [...this.jobs.values()].filter(
      (job) => job.finishedAt !== undefined && now - job.finishedAt >= this.ttlMs,
    );
    for (const job of expired) this.discard(job);
    await Promise.all(
      // A file that cannot be removed now goes with the work folder when the emulator closes.
      expired.map((job) => (job.resultPath ? removeTree(job.resultPath) : undefined)),
    );
  }

  /** Stops the sweep timer. */
  stop(): void {
    clearInterval(this.timer);
  }
}
