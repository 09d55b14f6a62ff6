import type { KnownJobStatus } from "../protocol/index";

/**
 * Where a job stands on the server: `pending`, `processing`, `completed`, `failed`, or `cancelled` (an
 * extension; a server may also report a cancelled job as `failed` with `"cancelled": true`, which the
 * client reads as `cancelled`). Any other string is a status the server added that the client does not
 * know; it keeps polling on it until the job ends or the call's deadline passes.
 *
 * @example
 * ```ts
 * import type { JobStatus } from "@decart/core";
 *
 * const done = (status: JobStatus) => status === "completed" || status === "failed" || status === "cancelled";
 * ```
 */
export type JobStatus = KnownJobStatus | (string & {});

/**
 * A job as the server describes it (`GET /v1/jobs/{job_id}`), with the wire's field names.
 *
 * @example
 * ```ts
 * import type { JobInfo } from "@decart/core";
 *
 * const info: JobInfo = { job_id: "job_123", status: "processing", progress: 0.4 };
 * ```
 */
export interface JobInfo {
  /** The job's id. */
  job_id: string;
  /** Where the job stands. */
  status: JobStatus;
  /** Fraction done, 0..1, when the server reports it. */
  progress?: number;
  /** Why the job failed, when it did. */
  error?: string;
}

/**
 * What `onProgress` receives: every status change of a call and every progress update.
 * Image models report `processing` and `completed` without a `jobId`.
 *
 * @example
 * ```ts
 * import type { ProgressEvent } from "@decart/core";
 *
 * const show = (event: ProgressEvent) => console.log(event.status, Math.round((event.progress ?? 0) * 100));
 * ```
 */
export interface ProgressEvent {
  /** Where the generation stands. */
  status: JobStatus;
  /** Fraction done, 0..1, when the server reports it. */
  progress?: number;
  /** The job's id (video models). */
  jobId?: string;
}
