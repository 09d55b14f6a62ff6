import { asDecartError, isDecartError, RateLimitError } from "../errors/index";
import type { ClientContext } from "../jobs/index";
import {
  jobEndedError,
  type ProcessOptions,
  prepareCall,
  randomId,
  readControls,
  runJob,
  runProcess,
} from "../jobs/index";
import type { JobInfo, ProgressEvent } from "../model/index";
import { headers } from "../protocol/index";
import { openScope } from "../timing/index";
import type { BatchItem, BatchOutcome } from "./batch-types";

/** An item read from the source, with what the batch learnt about it so far. */
export interface BatchEntry {
  readonly index: number;
  readonly key: string;
  /** Dropped once the item settles, so its files can be collected. */
  item: BatchItem | undefined;
  /** Set once the job is submitted; a re-queued item polls it instead of submitting again. */
  jobId: string | undefined;
  /** One key for every submission of this item, so a retry after a 429 or a crash finds the same job. */
  idempotencyKey: string;
}

/** What the batch hears from one running item. */
export interface ItemHooks {
  /** The item's job is about to be submitted; the submission waits for the promise it may return. */
  submitting(entry: BatchEntry): void | Promise<void>;
  submitted(entry: BatchEntry): void;
  progress(entry: BatchEntry, event: ProgressEvent): void;
}

/** How one attempt at an item ended: an outcome, or a 429 that sends it back to the queue. */
export type ItemAttempt = { outcome: BatchOutcome } | { rateLimited: RateLimitError };

export function newEntry(index: number, key: string, item: BatchItem): BatchEntry {
  return { index, key, item, jobId: item.jobId, idempotencyKey: item.idempotencyKey ?? randomId() };
}

/** The inputs without the batch controls, as `prepareCall` takes them. */
function processOptions(item: BatchItem): ProcessOptions {
  const { key: _key, jobId: _jobId, idempotencyKey: _idempotencyKey, signal: _signal, ...options } = item;
  return options as ProcessOptions;
}

/** Submits (or resumes) the item's job, polls it and downloads the result, as `client.process()` does. */
async function runEntry(
  context: ClientContext,
  entry: BatchEntry,
  options: ProcessOptions,
  signal: AbortSignal | undefined,
  hooks: ItemHooks,
): Promise<{ job?: JobInfo; data?: Blob }> {
  const controls = readControls(options, "a batch item");
  const onProgress = (event: ProgressEvent) => {
    hooks.progress(entry, event);
    controls.onProgress?.(event);
  };
  // Image models answer on the sync endpoint, with no job to track: the same call as `client.process()`.
  if (options.model?.kind === "image") {
    return { data: await runProcess(context, { ...options, onProgress, ...(signal ? { signal } : {}) }) };
  }
  const prepared = await prepareCall(context, options, signal);
  // The item's own key rides with the body's headers, so a resubmission after a 429 or a crash finds the same job.
  const call = {
    ...prepared,
    headers: { ...prepared.headers, [headers.idempotencyKey]: entry.idempotencyKey },
  };
  // A new submission waits for the batch's `beforeSubmit` (a journal writing the key to disk), so the
  // hook has run before `runJob` sends anything.
  if (entry.jobId === undefined) {
    const ready = hooks.submitting(entry);
    if (ready) await ready;
  }
  return runJob(context, call, signal, onProgress, {
    jobId: entry.jobId,
    submitted: (jobId) => {
      entry.jobId = jobId;
      hooks.submitted(entry);
    },
  });
}

/**
 * Runs one item to its outcome. Never rejects: invalid inputs, a failed job and transport errors are a
 * `failed` outcome, the batch's signal a `cancelled` one, and a 429 is handed back to be queued again.
 */
export async function attemptItem(
  context: ClientContext,
  entry: BatchEntry,
  signal: AbortSignal,
  hooks: ItemHooks,
): Promise<ItemAttempt> {
  const base = { index: entry.index, key: entry.key };
  const item = entry.item as BatchItem;
  // The batch gives each item a signal of its own; a scope over it is needed only for a deadline.
  const scope = item.deadline === undefined ? undefined : openScope(signal, item.deadline);
  try {
    const { job, data } = await runEntry(
      context,
      entry,
      processOptions(item),
      scope ? scope.signal : signal,
      hooks,
    );
    const jobId = entry.jobId === undefined ? {} : { jobId: entry.jobId };
    if (data) return { outcome: { ...base, ...jobId, status: "completed", data } };
    const error = jobEndedError(job as JobInfo);
    const status = job?.status === "cancelled" ? "cancelled" : "failed";
    return { outcome: { ...base, ...jobId, status, error } };
  } catch (error) {
    const jobId = entry.jobId === undefined ? {} : { jobId: entry.jobId };
    if (signal.aborted) {
      return { outcome: { ...base, ...jobId, status: "cancelled", error: asDecartError(signal.reason) } };
    }
    if (error instanceof RateLimitError) return { rateLimited: error };
    if (isDecartError(error) && entry.jobId !== undefined) error.jobId ??= entry.jobId;
    return { outcome: { ...base, ...jobId, status: "failed", error: asDecartError(error) } };
  } finally {
    scope?.dispose();
  }
}
