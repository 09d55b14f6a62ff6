/**
 * The job statuses Decart's official clients know, in the order a job goes through them. A server may
 * send others (the API may add some); a client keeps polling on any status it does not know.
 *
 * @example
 * ```ts
 * import { jobStatuses } from "@decart/core/protocol";
 *
 * const known = (status: string) => (jobStatuses as readonly string[]).includes(status);
 * ```
 */
export const jobStatuses = ["pending", "processing", "completed", "failed"] as const;

/**
 * Statuses only this SDK's emulator may send: `cancelled`, after its cancel extension. In its faithful
 * mode the emulator reports a cancelled job as `failed` with `"cancelled": true` instead, which official
 * clients read as an ended job.
 *
 * @example
 * ```ts
 * import { extensionStatuses } from "@decart/core/protocol";
 *
 * console.log(extensionStatuses); // ["cancelled"]
 * ```
 */
export const extensionStatuses = ["cancelled"] as const;

/**
 * A status from {@link jobStatuses} or {@link extensionStatuses}.
 *
 * @example
 * ```ts
 * import type { KnownJobStatus } from "@decart/core/protocol";
 *
 * const status: KnownJobStatus = "processing";
 * ```
 */
export type KnownJobStatus = (typeof jobStatuses)[number] | (typeof extensionStatuses)[number];

const terminal: ReadonlySet<string> = new Set(["completed", "failed", "cancelled"]);

/**
 * True for a status after which a job can no longer change: `completed`, `failed`, `cancelled`. Any other
 * string, known or not, means "keep polling".
 *
 * @example
 * ```ts
 * import { isTerminalStatus } from "@decart/core/protocol";
 *
 * isTerminalStatus("completed"); // true
 * isTerminalStatus("queued"); // false: an unknown status, keep polling
 * ```
 */
export function isTerminalStatus(status: string): boolean {
  return terminal.has(status);
}

/**
 * A job status body as read by {@link readJobStatus}, with the wire's field names.
 *
 * @example
 * ```ts
 * import type { JobStatusBody } from "@decart/core/protocol";
 *
 * const body: JobStatusBody = { job_id: "job_abc123", status: "processing", progress: 0.5 };
 * ```
 */
export interface JobStatusBody {
  /** The job's id. */
  job_id: string;
  /** The status as the server spelled it (a cancelled job reads as `cancelled`, see {@link readJobStatus}). */
  status: string;
  /** Fraction done, clamped to 0..1 (extension). */
  progress?: number;
  /** Why the job failed, when the server says (extension). */
  error?: string;
  /** `true` when the job was cancelled, in either wire form (extension). */
  cancelled?: boolean;
}

/**
 * Reads a job status body (`POST /v1/jobs/{model}` or `GET /v1/jobs/{job_id}`) tolerantly: an unknown
 * status is kept as it is, unknown fields are dropped, a `progress` outside 0..1 is clamped, a numeric
 * `job_id` is read as its digits, and an `error` given as `{ "message": ... }` is read too. A cancelled job arrives either as
 * `status: "cancelled"` or as `status: "failed"` with `"cancelled": true`; both read as
 * `status: "cancelled", cancelled: true`. `fallbackId` is used when the body has no `job_id`.
 *
 * @throws TypeError when the body is not an object with a string `status`, or has no job id and no
 *   `fallbackId` was given.
 * @example
 * ```ts
 * import { readJobStatus } from "@decart/core/protocol";
 *
 * readJobStatus({ job_id: "job_1", status: "failed", cancelled: true }); // { job_id: "job_1", status: "cancelled", cancelled: true }
 * readJobStatus({ status: "warming_up" }, "job_1"); // { job_id: "job_1", status: "warming_up" }
 * ```
 */
export function readJobStatus(body: unknown, fallbackId?: string): JobStatusBody {
  const record = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const { job_id: id } = record;
  // No id format is promised: a number is read as its digits.
  const jobId =
    typeof id === "string" && id !== ""
      ? id
      : typeof id === "number" && Number.isFinite(id)
        ? String(id)
        : fallbackId;
  const status = record.status;
  if (jobId === undefined || typeof status !== "string" || status === "") {
    const shown = JSON.stringify(body)?.slice(0, 200) ?? String(body);
    throw new TypeError(`Not a job status body (a job_id and a status string are needed): ${shown}`);
  }
  const cancelled = status === "cancelled" || (status === "failed" && record.cancelled === true);
  const read: JobStatusBody = { job_id: jobId, status: cancelled ? "cancelled" : status };
  if (typeof record.progress === "number" && Number.isFinite(record.progress)) {
    read.progress = Math.min(1, Math.max(0, record.progress));
  }
  const { error } = record;
  const message =
    typeof error === "object" && error !== null ? (error as { message?: unknown }).message : error;
  if (typeof message === "string") read.error = message;
  if (cancelled) read.cancelled = true;
  return read;
}
