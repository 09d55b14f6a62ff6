import type { BatchSubmission } from "@decart/core";

/**
 * An item resubmitted after an unknown outcome: an earlier run was killed while its submission was in
 * flight, so whether the server created a job is unknown, and this run sent it again with the same
 * `Idempotency-Key`. A server that honours the key (the emulator does) answers with the first job; the
 * Decart API is not documented to, so there the item may have run twice: audit these.
 *
 * @example
 * ```ts
 * import type { ResubmittedItem } from "@decart/node";
 *
 * const line = (item: ResubmittedItem) => `${item.key} resent with Idempotency-Key ${item.idempotencyKey} → ${item.jobId}`;
 * ```
 */
export interface ResubmittedItem {
  /** Position of the item in `items`, from 0. */
  index: number;
  /** The item's key. */
  key: string;
  /** The `Idempotency-Key` of the first attempt, sent again. */
  idempotencyKey: string;
  /** The job the server answered the resubmission with. */
  jobId?: string;
  /** How the item ended in this run. */
  status?: "completed" | "failed" | "cancelled";
}

/**
 * The items an earlier run left mid-submission (a `submitting` record with no job id after it): which of
 * them this run sends again with the first attempt's key, the job each resend is answered with, and how
 * it ends. Items are known by the position the core batch gave them.
 */
export class InDoubtItems {
  /** Left in flight by an earlier run, not resent yet: the caller's index and the key to resend with. */
  readonly #waiting = new Map<number, { index: number; idempotencyKey: string }>();
  readonly #resent = new Map<number, ResubmittedItem>();

  /** The item at `position` (the caller's `index`) was left in flight with `idempotencyKey`. */
  add(position: number, index: number, idempotencyKey: string): void {
    this.#waiting.set(position, { index, idempotencyKey });
  }

  /** A submission is about to go out; an in-doubt item's resend is noted. */
  submitting(submission: BatchSubmission): void {
    const doubt = this.#waiting.get(submission.index);
    if (doubt?.idempotencyKey !== submission.idempotencyKey) return;
    this.#waiting.delete(submission.index);
    this.#resent.set(submission.index, {
      index: doubt.index,
      key: submission.key,
      idempotencyKey: submission.idempotencyKey,
    });
  }

  /** The server answered the submission of the item at `position` with `jobId`. */
  submitted(position: number, jobId: string): void {
    const resent = this.#resent.get(position);
    if (resent) resent.jobId = jobId;
  }

  /** The item at `position` settled: its record when it was resent (for its `status`), else undefined. */
  settled(position: number): ResubmittedItem | undefined {
    this.#waiting.delete(position);
    return this.#resent.get(position);
  }

  /** The resent items, in `items` order. */
  list(): ResubmittedItem[] {
    return [...this.#resent.values()].sort((a, b) => a.index - b.index);
  }
}
