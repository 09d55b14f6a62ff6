import { DecartSDKError, isCallbackFailure, ProcessingError } from "../errors/index";
import type { JobInfo, ModelDefinition } from "../model/index";
import { routes } from "../protocol/index";
import { openScope, startTimer } from "../timing/index";
import type { ClientContext } from "./context";
import type { RequestControls } from "./controls";
import { createReporter, readJobInfo, waitForJob } from "./poll";

/** A validated call, ready to send. */
export interface PreparedCall {
  model: ModelDefinition;
  body: () => BodyInit;
  /** The body's own headers: Content-Type and Content-Length of a streamed multipart body. */
  headers?: Record<string, string> | undefined;
}

/**
 * A submission's answer as a status body: one that names its job but no status is a job just queued,
 * `pending` (the official clients pass the answer on as it is; its job exists, so it must not be lost).
 */
function submitted(data: unknown): unknown {
  if (typeof data !== "object" || data === null) return data;
  const { status } = data as { status?: unknown };
  return typeof status === "string" && status !== "" ? data : { ...data, status: "pending" };
}

/**
 * Submits a prepared call to the job queue. It is retried only where the server provably created no
 * job (429, 503, a refused connection), never after the body went out. When the caller
 * aborts while the submission is in flight, the call rejects at once, but the request is given a short
 * grace to answer: the server may already have created the job, and if a job id arrives it is cancelled.
 */
export async function submitJob(
  context: ClientContext,
  call: PreparedCall,
  signal: AbortSignal | undefined,
): Promise<JobInfo> {
  signal?.throwIfAborted();
  const controller = signal && new AbortController();
  const submission = context.transport
    .json<unknown>({
      method: "POST",
      path: call.model.endpoints.jobs,
      body: call.body,
      headers: call.headers,
      retry: "write",
      signal: controller?.signal,
      model: call.model.name,
    })
    .then((data) => readJobInfo(submitted(data)));
  if (!signal || !controller) return submission;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => {
      reject(signal.reason);
      const timer = startTimer(() => controller.abort(signal.reason), submitGraceMs);
      submission
        .then((job) => cancelQuietly(context, job.job_id))
        .catch(() => undefined)
        .finally(() => timer.clear());
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([submission, aborted]);
  } finally {
    if (onAbort) signal.removeEventListener("abort", onAbort);
  }
}

/** How long an abandoned job submission may still answer with the id of a job to cancel. */
const submitGraceMs = 1_000;

/** Asks the server to cancel a job, without waiting and without ever rejecting (404 means: no cancel endpoint). */
export function cancelQuietly(context: ClientContext, jobId: string): void {
  context.transport
    .send({
      method: "POST",
      path: routes.cancel(jobId),
      retry: "none",
      timeout: 3_000,
    })
    .then((response) => response.body?.cancel())
    .catch(() => undefined);
}

/** The error for a job that ended without a result. */
export function jobEndedError(job: JobInfo): ProcessingError {
  if (job.status === "cancelled") {
    return new ProcessingError(`Job ${job.job_id} was cancelled on the server`, {
      code: "JOB_CANCELLED",
      jobId: job.job_id,
    });
  }
  return new ProcessingError(`Job ${job.job_id} failed${job.error ? `: ${job.error}` : ""}`, {
    code: "JOB_FAILED",
    jobId: job.job_id,
  });
}

/** Downloads a completed job's result. */
export function fetchResult(
  context: ClientContext,
  jobId: string,
  signal: AbortSignal | undefined,
): Promise<Blob> {
  return context.transport.blob({
    method: "GET",
    path: routes.content(jobId),
    retry: "read",
    signal,
  });
}

/** How {@link runJob} starts: a new submission (with hooks around it), or an existing job to follow. */
export interface JobStart {
  /** A job already submitted: it is polled instead of submitting again. */
  jobId?: string | undefined;
  /** Called just before the submission goes out. */
  submitting?(): void;
  /** Called once the server answered the submission with a job id. */
  submitted?(jobId: string): void;
}

/**
 * Submits (or resumes), polls and settles a job. Resolves with the result, or with the final job when it
 * failed; on abort (or deadline) or a throwing callback it cancels the job on the server and rejects.
 */
export async function runJob(
  context: ClientContext,
  call: PreparedCall,
  signal: AbortSignal | undefined,
  onProgress: RequestControls["onProgress"],
  start: JobStart = {},
): Promise<{ job: JobInfo; data?: Blob }> {
  const submitted = await startJob(context, call, signal, start);
  // From here on the job exists. Giving up on it early (the caller's abort, the deadline, an onProgress
  // that threw, which abandons the scope with its error) aborts this scope; so does, in effect, a plugin
  // hook that threw (a callback failure). Either way the job is cancelled.
  const scope = openScope(signal);
  const report = createReporter(context, call.model.name, onProgress, scope.abandon);
  try {
    report(submitted.status, submitted.progress, submitted.job_id);
    const final = await waitForJob(context, submitted, report, scope.signal);
    if (final.status !== "completed") return { job: final };
    return { job: final, data: await fetchResult(context, final.job_id, scope.signal) };
  } catch (error) {
    // Abandoned on purpose: stop the server's work too. After a transport failure the job is left
    // running so `queue.result(jobId)` can fetch it.
    if (scope.signal.aborted || isCallbackFailure(error)) cancelQuietly(context, submitted.job_id);
    // Whatever failed after the submission names the job, so the caller can look it up.
    if (error instanceof DecartSDKError) error.jobId ??= submitted.job_id;
    throw error;
  } finally {
    scope.dispose();
  }
}

/** The job {@link runJob} follows: the one given, or a fresh submission. */
async function startJob(
  context: ClientContext,
  call: PreparedCall,
  signal: AbortSignal | undefined,
  start: JobStart,
): Promise<JobInfo> {
  if (start.jobId !== undefined) {
    signal?.throwIfAborted();
    return { job_id: start.jobId, status: "pending" };
  }
  start.submitting?.();
  const job = await submitJob(context, call, signal);
  start.submitted?.(job.job_id);
  return job;
}
