import { ProcessingError } from "../errors/index";
import type { JobInfo, JobStatus, ProgressEvent } from "../model/index";
import { notifyStatusChange } from "../plugins/index";
import { headers, isTerminalStatus, readJobStatus, routes } from "../protocol/index";
import { sleep } from "../timing/index";
import { parseRetryAfter } from "../transport/index";
import type { ClientContext, PollingOptions } from "./context";

const maxServerWait = 30_000;

/** Fills in polling defaults. */
export function normalizePolling(options: PollingOptions | undefined): Required<PollingOptions> {
  return {
    initialDelay: options?.initialDelay ?? 25,
    interval: options?.interval ?? 250,
    maxInterval: options?.maxInterval ?? 2_000,
  };
}

/** The wait before poll number `index` (0-based), with jitter. */
export function pollDelay(
  index: number,
  polling: Required<PollingOptions>,
  retryAfterSeconds?: number,
): number {
  let wait: number;
  if (index === 0) {
    wait = Math.random() * polling.initialDelay;
  } else {
    const base = Math.min(polling.maxInterval, polling.interval * 2 ** (index - 1));
    wait = base * (0.75 + Math.random() * 0.25);
  }
  if (retryAfterSeconds !== undefined)
    wait = Math.max(wait, Math.min(maxServerWait, retryAfterSeconds * 1000));
  return wait;
}

/**
 * Reads a job description from the wire (see `readJobStatus`): an unknown status is kept, a cancelled
 * job reads as `cancelled` in either wire form; a body without a status is an unreadable response.
 */
export function readJobInfo(data: unknown, fallbackId?: string): JobInfo {
  let read: ReturnType<typeof readJobStatus>;
  try {
    read = readJobStatus(data, fallbackId);
  } catch (error) {
    throw new ProcessingError(
      `The server sent a job description the client could not read: ${JSON.stringify(data)?.slice(0, 200)}`,
      { code: "UNREADABLE_RESPONSE", cause: error },
    );
  }
  // A job's info has no `cancelled` field: its status already says so.
  const { cancelled: _cancelled, ...info } = read;
  return info;
}

/**
 * Reports status changes (and progress updates) to `onProgress` and plugins, once each. When
 * `onProgress` throws, `onCallbackFailure` hears of it first (the job's run abandons the job), then the
 * error is rethrown to fail the call.
 */
export function createReporter(
  context: ClientContext,
  model: string,
  onProgress: ((event: ProgressEvent) => void) | undefined,
  onCallbackFailure?: (error: unknown) => void,
) {
  let lastStatus: JobStatus | undefined;
  let lastProgress: number | undefined;
  return (status: JobStatus, progress: number | undefined, jobId: string | undefined) => {
    if (status === lastStatus && progress === lastProgress) return;
    const previousStatus = lastStatus;
    lastStatus = status;
    lastProgress = progress;
    if (onProgress) {
      const event: ProgressEvent = { status };
      if (progress !== undefined) event.progress = progress;
      if (jobId !== undefined) event.jobId = jobId;
      try {
        onProgress(event);
      } catch (error) {
        onCallbackFailure?.(error);
        throw error;
      }
    }
    if (context.plugins.length > 0) {
      notifyStatusChange(context.plugins, { model, jobId, status, previousStatus, progress });
    }
  };
}

/**
 * Polls a job until it completes, fails or is cancelled, and returns its final description. A status
 * the client does not know keeps it polling, until the call's signal (its deadline) stops it.
 */
export async function waitForJob(
  context: ClientContext,
  job: JobInfo,
  report: ReturnType<typeof createReporter>,
  signal: AbortSignal | undefined,
): Promise<JobInfo> {
  let current = job;
  let retryAfter: number | undefined;
  const path = routes.status(job.job_id);
  for (let index = 0; !isTerminalStatus(current.status); index++) {
    await sleep(pollDelay(index, context.polling, retryAfter), signal);
    const call = { method: "GET", path, retry: "read", signal } as const;
    const response = await context.transport.read(call);
    retryAfter = parseRetryAfter(response.headers.get(headers.retryAfter));
    current = readJobInfo(await context.transport.readJson(response, call), job.job_id);
    report(current.status, current.progress, current.job_id);
  }
  return current;
}
