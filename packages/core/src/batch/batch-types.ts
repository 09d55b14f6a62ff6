import type { DecartSDKError } from "../errors/index";
import type { ProcessOptions } from "../jobs/index";
import type { ModelDefinition, ProgressEvent } from "../model/index";

/**
 * One item of a batch: the options `client.process()` takes, plus optional batch controls. The batch's
 * own `signal` governs every item; an item's `signal` is ignored.
 *
 * @example
 * ```ts
 * import type { BatchItem } from "@decart/core";
 * import { models } from "@decart/models";
 *
 * const model = models.video("lucy-pro-t2v");
 * const item: BatchItem<typeof model> = { model, prompt: "A red kite", key: "kite" };
 * ```
 */
export type BatchItem<Model extends ModelDefinition = ModelDefinition> = ProcessOptions<Model> & {
  /** A stable name for the item in outcomes and journals. @default a hash of the inputs ({@link batchItemKey}) */
  key?: string;
  /** A job already submitted for this item (by an earlier run): it is polled, never submitted again. */
  jobId?: string;
  /** The `Idempotency-Key` to submit with, so a resubmission after a crash finds the same job. @default a fresh random id */
  idempotencyKey?: string;
};

/**
 * Options of `createBatch()`.
 *
 * @example
 * ```ts
 * import type { BatchOptions } from "@decart/core";
 *
 * const options: BatchOptions = { concurrency: 8, signal: AbortSignal.timeout(3_600_000) };
 * ```
 */
export interface BatchOptions {
  /**
   * Most items in flight at once. The batch halves it when the server answers 429, waits the
   * `Retry-After`, then grows back by one step per streak of successes.
   * @default 4
   */
  concurrency?: number;
  /** Cancels the batch: every job in flight is cancelled on the server, and the rest are not started. */
  signal?: AbortSignal;
  /** How many items are read from `items` ahead of the ones running. @default the concurrency */
  lookAhead?: number;
  /**
   * Called before each new submission of an item's job (after its `submitting` event), with the
   * `Idempotency-Key` it will send; the submission waits for the promise it returns. Record the key
   * durably here (a journal on disk) so a run killed mid-submission resends with the same key. When it
   * throws or rejects, nothing is sent and the item fails with that error.
   * @example
   * ```ts
   * import type { BatchOptions } from "@decart/core";
   *
   * const keys = new Map<string, string>();
   * const options: BatchOptions = {
   *   beforeSubmit: async ({ key, idempotencyKey }) => void keys.set(key, idempotencyKey),
   * };
   * ```
   */
  beforeSubmit?: (submission: BatchSubmission) => void | Promise<void>;
}

/**
 * An item's job about to be submitted, as `beforeSubmit` gets it.
 *
 * @example
 * ```ts
 * import type { BatchSubmission } from "@decart/core";
 *
 * const line = (submission: BatchSubmission) => `${submission.key} ${submission.idempotencyKey}`;
 * ```
 */
export interface BatchSubmission {
  /** The item's position in `items`. */
  readonly index: number;
  /** The item's key. */
  readonly key: string;
  /** The `Idempotency-Key` every attempt of this submission sends. */
  readonly idempotencyKey: string;
}

/**
 * How one item ended. `completed` carries the result, `failed` and `cancelled` the reason. The batch
 * keeps no outcome once it has been handed out: save `data` (or drop it) as it arrives.
 *
 * @example
 * ```ts
 * import type { BatchOutcome } from "@decart/core";
 *
 * const line = (outcome: BatchOutcome) =>
 *   `${outcome.index} ${outcome.key} ${outcome.status}${outcome.error ? `: ${outcome.error.message}` : ""}`;
 * ```
 */
export interface BatchOutcome {
  /** Position of the item in `items`, from 0. */
  index: number;
  /** The item's key: its own `key`, or the hash of its inputs. */
  key: string;
  /** How the item ended. */
  status: "completed" | "failed" | "cancelled";
  /** The result, when `completed`. */
  data?: Blob;
  /** Why it failed or was cancelled. */
  error?: DecartSDKError;
  /** The server's job id, once the item was submitted (video models). */
  jobId?: string;
}

/**
 * Totals of a finished batch.
 *
 * @example
 * ```ts
 * import type { BatchSummary } from "@decart/core";
 *
 * const ok = (summary: BatchSummary) => summary.failed === 0 && summary.cancelled === 0;
 * ```
 */
export interface BatchSummary {
  /** Items read from `items`. */
  total: number;
  /** Items that completed. */
  completed: number;
  /** Items that failed (invalid inputs, a failed job, a transport error). */
  failed: number;
  /** Items cancelled by the batch's signal, or on the server. */
  cancelled: number;
  /** Items tried again after the server refused them with 429 (never counted as failures). */
  retries: number;
  /** Times the batch paused for a `Retry-After`. */
  rateLimitWaits: number;
  /** Milliseconds spent in those pauses, together. */
  rateLimitWaitMs: number;
  /** Milliseconds from the first item read to the last one settled. */
  wallTimeMs: number;
}

/**
 * Where a running batch stands; a new object after each change.
 *
 * @example
 * ```ts
 * import type { BatchSnapshot } from "@decart/core";
 *
 * const line = (s: BatchSnapshot) => `${s.completed} done, ${s.running} running, ${s.queued} queued, ${s.failed} failed`;
 * ```
 */
export interface BatchSnapshot {
  /** `idle` until started, `running`, then `done`. */
  readonly state: "idle" | "running" | "done";
  /** Items in flight. */
  readonly running: number;
  /** Items read and waiting for a slot. */
  readonly queued: number;
  /** Items completed so far. */
  readonly completed: number;
  /** Items failed so far. */
  readonly failed: number;
  /** Items cancelled so far. */
  readonly cancelled: number;
  /** The current concurrency limit (lower than asked while backing off from 429s). */
  readonly concurrency: number;
  /** Whether every item has been read from `items` (so `total` is final). */
  readonly allRead: boolean;
  /** Items read so far. */
  readonly total: number;
}

/**
 * What a batch reports to its subscribers, in order.
 *
 * @example
 * ```ts
 * import type { BatchEvent } from "@decart/core";
 *
 * const log = (event: BatchEvent) => {
 *   if (event.type === "outcome") console.log(event.outcome.key, event.outcome.status);
 * };
 * ```
 */
export type BatchEvent =
  | {
      /** An item got a slot and starts (again, after a 429). */
      type: "started";
      /** The item's position in `items`. */
      index: number;
      /** The item's key. */
      key: string;
    }
  | {
      /** The item's job is about to be submitted; journal `idempotencyKey` now to resume safely. */
      type: "submitting";
      /** The item's position in `items`. */
      index: number;
      /** The item's key. */
      key: string;
      /** The `Idempotency-Key` every attempt of this submission sends. */
      idempotencyKey: string;
    }
  | {
      /** The server accepted the item's job. */
      type: "submitted";
      /** The item's position in `items`. */
      index: number;
      /** The item's key. */
      key: string;
      /** The server's job id. */
      jobId: string;
    }
  | {
      /** The item's job changed status or reported progress. */
      type: "progress";
      /** The item's position in `items`. */
      index: number;
      /** The item's key. */
      key: string;
      /** The status and progress, as `onProgress` gets them. */
      progress: ProgressEvent;
    }
  | {
      /** The server refused the item with 429: it goes back to the queue and the batch slows down. */
      type: "rate-limited";
      /** The item's position in `items`. */
      index: number;
      /** The item's key. */
      key: string;
      /** How long no new item starts, in milliseconds (the `Retry-After`). */
      waitMs: number;
      /** The concurrency limit after the 429. */
      concurrency: number;
    }
  | {
      /** An item settled. */
      type: "outcome";
      /** How it ended. */
      outcome: BatchOutcome;
    }
  | {
      /** Every item settled. */
      type: "done";
      /** The totals. */
      summary: BatchSummary;
    };

/**
 * A batch subscriber: each event with the snapshot after it.
 *
 * @example
 * ```ts
 * import type { BatchListener } from "@decart/core";
 *
 * const listener: BatchListener = (event, snapshot) => console.log(event.type, snapshot.completed);
 * ```
 */
export type BatchListener = (event: BatchEvent, snapshot: BatchSnapshot) => void;
