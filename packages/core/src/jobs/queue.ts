import type { DecartSDKError } from "../errors/index";
import type { JobInfo, ModelDefinition, ProgressEvent } from "../model/index";
import { headers, routes } from "../protocol/index";
import type { ClientContext } from "./context";
import type { CheckedControls } from "./controls";
import { guardedCall } from "./guarded-call";
import { fetchResult, jobEndedError, runJob, submitJob } from "./jobs";
import { createReporter, readJobInfo, waitForJob } from "./poll";
import { type ProcessOptions, prepareCall } from "./process";

/**
 * Options for the queue calls that take only a job id.
 *
 * @example
 * ```ts
 * import type { JobRequestOptions } from "@decart/core";
 *
 * const options: JobRequestOptions = { signal: AbortSignal.timeout(5_000) };
 * ```
 */
export interface JobRequestOptions {
  /**
   * Cancels the request; it rejects with `signal.reason`.
   */
  signal?: AbortSignal;
}

/**
 * How `submitAndPoll` settles: the result, or the server's reason the job failed.
 *
 * @example
 * ```ts
 * import type { SubmitAndPollResult } from "@decart/core";
 *
 * const describe = (result: SubmitAndPollResult) =>
 *   result.status === "completed" ? `${result.data.size} bytes` : result.error.message;
 * ```
 */
export type SubmitAndPollResult =
  | {
      /** The job completed and its result was downloaded. */
      status: "completed";
      /** The server's job id. */
      jobId: string;
      /** The result, typed as the server said (`video/mp4`). */
      data: Blob;
    }
  | {
      /** The job ended without a result: failed, or cancelled on the server. */
      status: "failed";
      /** The server's job id. */
      jobId: string;
      /** Why: a `ProcessingError` with code `JOB_FAILED` or `JOB_CANCELLED` and the server's message. */
      error: DecartSDKError;
    };

/**
 * Options of `client.queue.poll()`: how long to follow the job, and what to tell along the way.
 *
 * @example
 * ```ts
 * import type { JobPollOptions } from "@decart/core";
 *
 * const options: JobPollOptions = { deadline: 600_000, onProgress: (event) => console.log(event.status) };
 * ```
 */
export interface JobPollOptions extends JobRequestOptions {
  /** Called on every status change and progress update. */
  onProgress?: (event: ProgressEvent) => void;
  /** Longest time to follow the job, in milliseconds; past it the call rejects with a `TimeoutError`. */
  deadline?: number;
  /** The job's model, named to plugins' `onStatusChange`. */
  model?: Pick<ModelDefinition, "name">;
}

/**
 * What `client.queue.submit()` takes besides the model's inputs and the request controls.
 *
 * @example
 * ```ts
 * import type { SubmitOptions } from "@decart/core";
 *
 * const options: SubmitOptions = { idempotencyKey: "catalogue-item-42" };
 * ```
 */
export interface SubmitOptions {
  /**
   * Sent as the `Idempotency-Key` header: a server that honours it (the emulator does) answers a
   * resubmission with the same key with the same job. The real API is not known to honour it, so a
   * resubmission may still start a second job there.
   */
  idempotencyKey?: string;
}

/**
 * Direct access to the job queue (`POST /v1/jobs/{model}` and friends), for callers who keep job ids
 * around: submit now, check later, fetch the result from another process.
 *
 * @example
 * ```ts
 * import { createDecartClient } from "@decart/core";
 * import { models } from "@decart/models";
 *
 * const client = createDecartClient({ apiKey: "key" });
 * const { job_id } = await client.queue.submit({ model: models.video("lucy-pro-t2v"), prompt: "A red kite" });
 * const info = await client.queue.status(job_id);
 * if (info.status === "completed") await client.queue.result(job_id);
 * ```
 */
export interface QueueClient {
  /**
   * Validates the inputs and submits a job. It is retried only where the server provably did no work
   * (429, 503, a refused connection), so a retry never starts a second job.
   * @example
   * ```ts
   * declare const client: import("@decart/core").DecartClient;
   * declare const model: import("@decart/core").ModelDefinition;
   * const { job_id, status } = await client.queue.submit({ model });
   * ```
   */
  submit<M extends ModelDefinition>(options: ProcessOptions<M> & SubmitOptions): Promise<JobInfo>;
  /**
   * The job's current status (`progress` and `error` when the server reports them).
   * @example
   * ```ts
   * declare const client: import("@decart/core").DecartClient;
   * const { status, progress } = await client.queue.status("job_123");
   * ```
   */
  status(jobId: string, options?: JobRequestOptions): Promise<JobInfo>;
  /**
   * The completed job's media, typed as the server said (`video/mp4`).
   * @example
   * ```ts
   * declare const client: import("@decart/core").DecartClient;
   * const video = await client.queue.result("job_123");
   * ```
   */
  result(jobId: string, options?: JobRequestOptions): Promise<Blob>;
  /**
   * Asks the server to cancel the job. Resolves with the job's new status, or `undefined` when the server
   * has no cancel endpoint (404).
   * @example
   * ```ts
   * declare const client: import("@decart/core").DecartClient;
   * await client.queue.cancel("job_123");
   * ```
   */
  cancel(jobId: string, options?: JobRequestOptions): Promise<JobInfo | undefined>;
  /**
   * Submits, polls until the job ends, and downloads the result. A failed job resolves (not rejects)
   * with `{ status: "failed", error }`; transport errors and aborts reject.
   * @example
   * ```ts
   * declare const client: import("@decart/core").DecartClient;
   * declare const model: import("@decart/core").ModelDefinition;
   * const outcome = await client.queue.submitAndPoll({ model, onProgress: (event) => console.log(event.status) });
   * if (outcome.status === "completed") console.log(outcome.data.type);
   * ```
   */
  submitAndPoll<M extends ModelDefinition>(options: ProcessOptions<M>): Promise<SubmitAndPollResult>;
  /**
   * Follows a job that was submitted earlier (by this process or another one) until it ends, and downloads
   * its result: `submitAndPoll` without the submission, for resuming after a restart. Stopping it (its
   * signal, its deadline) only stops watching: the job itself is left to run, unlike a `process()` call.
   * @example
   * ```ts
   * declare const client: import("@decart/core").DecartClient;
   * const outcome = await client.queue.poll("job_123", { deadline: 600_000 });
   * if (outcome.status === "completed") console.log(outcome.data.size);
   * ```
   */
  poll(jobId: string, options?: JobPollOptions): Promise<SubmitAndPollResult>;
}

export function createQueue(context: ClientContext): QueueClient {
  const guarded = <T>(
    operation: string,
    options: unknown,
    run: (signal: AbortSignal, controls: CheckedControls) => Promise<T>,
  ) => guardedCall(context, operation, options, run);
  return {
    submit: (options) =>
      guarded("queue.submit", options, async (signal) => {
        const { idempotencyKey, ...inputs } = (options ?? {}) as ProcessOptions & SubmitOptions;
        // Anything but an options object goes to prepareCall as it came, for its own error.
        const given = typeof options === "object" && options !== null ? inputs : options;
        const call = await prepareCall(context, given as ProcessOptions, signal);
        if (idempotencyKey !== undefined)
          call.headers = { ...call.headers, [headers.idempotencyKey]: idempotencyKey };
        return submitJob(context, call, signal);
      }),
    status: (jobId, options) =>
      guarded("queue.status", options, async (signal) =>
        readJobInfo(
          await context.transport.json<unknown>({
            method: "GET",
            path: routes.status(jobId),
            retry: "read",
            signal,
          }),
          jobId,
        ),
      ),
    result: (jobId, options) =>
      guarded("queue.result", options, (signal) => fetchResult(context, jobId, signal)),
    cancel: (jobId, options) =>
      guarded("queue.cancel", options, async (signal) => {
        const response = await context.transport
          .send({ method: "POST", path: routes.cancel(jobId), retry: "none", signal })
          .catch((error: unknown) => {
            if ((error as DecartSDKError).status === 404) return undefined;
            throw error;
          });
        if (!response) return undefined;
        const text = await response.text().catch(() => "");
        try {
          return readJobInfo(JSON.parse(text), jobId);
        } catch {
          return { job_id: jobId, status: "cancelled" } satisfies JobInfo;
        }
      }),
    submitAndPoll: (options) =>
      guarded("queue.submitAndPoll", options, async (signal, controls) => {
        const call = await prepareCall(context, options as ProcessOptions, signal);
        const { job, data } = await runJob(context, call, signal, controls.onProgress);
        if (data) return { status: "completed", jobId: job.job_id, data };
        return { status: "failed", jobId: job.job_id, error: jobEndedError(job) };
      }),
    poll: (jobId, options) =>
      guarded("queue.poll", options, async (signal, controls) => {
        const report = createReporter(context, options?.model?.name ?? "", controls.onProgress);
        const job = await waitForJob(context, { job_id: jobId, status: "pending" }, report, signal);
        if (job.status !== "completed") return { status: "failed", jobId, error: jobEndedError(job) };
        return { status: "completed", jobId, data: await fetchResult(context, jobId, signal) };
      }),
  };
}
