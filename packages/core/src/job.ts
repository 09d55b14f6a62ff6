/**
 * Where a job stands on the server.
 *
 * @example
 * ```ts
 * import type { JobStatus } from "@decart/core";
 *
 * const done = (status: JobStatus) => status === "completed" || status === "failed" || status === "cancelled";
 * ```
 */
export type JobStatus = "pending" | "processing" | "completed" | "failed" | "cancelled";

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

const finalStatuses: ReadonlySet<string> = new Set(["completed", "failed", "cancelled"]);

/** True once a job can no longer change. */
export function isFinalStatus(status: string): boolean {
  return finalStatuses.has(status);
}
