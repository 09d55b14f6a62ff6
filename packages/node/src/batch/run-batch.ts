import { existsSync } from "node:fs";
import { resolve } from "node:path";
import {
  type BatchEvent,
  type BatchItem,
  type BatchOptions,
  type BatchOutcome,
  type BatchSnapshot,
  type BatchSummary,
  batchItemKey,
  createBatch,
  type DecartClient,
  DecartSDKError,
  isDecartError,
  type ModelDefinition,
} from "@decart/core";
import { saveResult } from "../save/index";
import { InDoubtItems, type ResubmittedItem } from "./in-doubt";
import { BatchJournal, type JournalEntry, type JournalRecord } from "./journal";
import { fillSavePath, itemName, resultExtension } from "./save-path";

/**
 * A batch item in Node: what `createBatch()` takes, plus a `name` for `saveTo`'s `{name}`.
 *
 * @example
 * ```ts
 * import type { NodeBatchItem } from "@decart/node";
 * import { models } from "@decart/models";
 *
 * const model = models.video("lucy-pro-t2v");
 * const item: NodeBatchItem<typeof model> = { model, prompt: "A red kite", name: "kite" };
 * ```
 */
export type NodeBatchItem<Model extends ModelDefinition = ModelDefinition> = BatchItem<Model> & {
  /** What `{name}` stands for in `saveTo`. @default the `data` file's base name without extension, or the key */
  name?: string;
};

/**
 * Options of {@link runBatch}: those of `createBatch()`, plus where results and the journal go.
 *
 * @example
 * ```ts
 * import type { RunBatchOptions } from "@decart/node";
 *
 * const options: RunBatchOptions = { saveTo: "out/{name}.{ext}", journal: "out/batch.journal", concurrency: 8 };
 * ```
 */
export interface RunBatchOptions extends BatchOptions {
  /**
   * Where each result is saved (atomically, folders created): a template with `{name}`, `{ext}`,
   * `{index}` and `{key}`, such as `out/{name}.{ext}`. Without it, results are only handed to `onOutcome`.
   */
  saveTo?: string;
  /**
   * A journal file (JSON lines). A rerun with the same journal skips completed items whose file
   * exists, polls jobs that were submitted instead of submitting them again, and skips failed items
   * unless `retryFailed`.
   */
  journal?: string;
  /** Run again the items the journal records as failed. @default false */
  retryFailed?: boolean;
  /** Every event of the batch (indices are positions in `items`), with the snapshot after it. */
  onEvent?: (event: BatchEvent, snapshot: BatchSnapshot) => void;
  /** Each item as it settles, after its result was saved; the batch waits for it. */
  onOutcome?: (outcome: NodeBatchOutcome) => void | Promise<void>;
}

/**
 * An item's outcome in Node: the core's, plus the saved file and whether a journal made it a skip.
 *
 * @example
 * ```ts
 * import type { NodeBatchOutcome } from "@decart/node";
 *
 * const line = (outcome: NodeBatchOutcome) => `${outcome.key} ${outcome.status} ${outcome.file ?? ""}`;
 * ```
 */
export interface NodeBatchOutcome extends BatchOutcome {
  /** Absolute path of the saved result. */
  file?: string;
  /** `true` when the journal already had this outcome and nothing was sent. */
  skipped?: boolean;
  /**
   * `true` when an earlier run died while submitting this item (its outcome unknown) and this run sent it
   * again with the same `Idempotency-Key`: see {@link RunBatchSummary.resubmitted}.
   */
  resubmitted?: boolean;
}

/**
 * Totals of {@link runBatch}: the core's, counting skipped items as completed or failed.
 *
 * @example
 * ```ts
 * import type { RunBatchSummary } from "@decart/node";
 *
 * const exitCode = (summary: RunBatchSummary) => (summary.failed > 0 ? 1 : 0);
 * ```
 */
export interface RunBatchSummary extends BatchSummary {
  /** Items the journal had already settled, so not run again. */
  skipped: number;
  /**
   * Items resubmitted after an unknown outcome (an earlier run died mid-submission), in `items` order;
   * empty unless this run resumed such a journal.
   */
  resubmitted: ResubmittedItem[];
}

/** Where an item sits in the caller's list, by the position the core batch gave it. */
interface ItemPlace {
  index: number;
  name: string;
}

/** What to do with an item the journal knows: skip it, or run it resuming its job. */
function resumeFrom(entry: JournalEntry | undefined, options: RunBatchOptions): "skip" | Partial<BatchItem> {
  if (!entry) return {};
  if (entry.status === "completed") {
    if (entry.file === undefined ? !options.saveTo : existsSync(entry.file)) return "skip";
    return entry.jobId ? { jobId: entry.jobId } : {};
  }
  if (entry.status === "failed") return options.retryFailed ? {} : "skip";
  if (entry.status === "submitted" && entry.jobId) return { jobId: entry.jobId };
  if (entry.status === "submitting" && entry.idempotencyKey) return { idempotencyKey: entry.idempotencyKey };
  return {};
}

/**
 * An item the journal has as cancelled with its job (a run stopped with Ctrl-C): cancelling was asked,
 * but a server without the cancel extension (the real API) keeps the job running, and billed. So the
 * server is asked: a job that still runs or has completed is polled and fetched; one that was cancelled,
 * failed or is unknown is submitted afresh. When the server cannot be asked, the job is polled.
 */
async function resumeCancelled(
  client: DecartClient,
  entry: JournalEntry | undefined,
  resume: "skip" | Partial<BatchItem>,
): Promise<"skip" | Partial<BatchItem>> {
  if (resume === "skip" || entry?.status !== "cancelled" || !entry.jobId) return resume;
  try {
    const { status } = await client.queue.status(entry.jobId);
    return ["cancelled", "failed"].includes(status) ? {} : { jobId: entry.jobId };
  } catch (error) {
    return isDecartError(error) && error.status === 404 ? {} : { jobId: entry.jobId };
  }
}

function skippedOutcome(index: number, key: string, entry: JournalEntry): NodeBatchOutcome {
  const outcome: NodeBatchOutcome = {
    index,
    key,
    status: entry.status === "completed" ? "completed" : "failed",
    skipped: true,
  };
  if (entry.jobId) outcome.jobId = entry.jobId;
  if (entry.file) outcome.file = entry.file;
  if (outcome.status === "failed") {
    outcome.error = new DecartSDKError("Failed in an earlier run (rerun with retryFailed to try again)", {
      code: "FAILED_EARLIER",
    });
  }
  return outcome;
}

/**
 * Runs a batch in Node: `createBatch()` plus saving each result through the atomic `saveResult`, and a
 * journal that makes the run resumable. Killed at any point (even `kill -9`) and rerun with the same
 * journal, it completes every item exactly once and does not submit a known job again: a submission is
 * journaled with its `Idempotency-Key` before it is sent, and the job id as soon as it is known. A
 * submission that was in flight when the process died is resent with the same key, which a server that
 * honours `Idempotency-Key` (the emulator) answers with the same job, and listed in the summary's
 * `resubmitted` (the items to audit where the API may not honour it). Records are written before the
 * batch acts on them; a submission's is also flushed to disk (one flush shared by the items in flight,
 * off the event loop) before it is sent, and every record is on disk before the summary is returned.
 * Resolves with the summary; it rejects only when `items` throws or the journal cannot be written.
 *
 * @example
 * ```ts
 * import { createDecartClient } from "@decart/core";
 * import { models } from "@decart/models";
 * import { fileFromPath, runBatch } from "@decart/node";
 *
 * const client = createDecartClient({ apiKey: process.env.DECART_API_KEY });
 * async function* clips() {
 *   for (const path of ["clips/a.mp4", "clips/b.mp4"]) {
 *     yield { model: models.video("lucy-pro-v2v"), prompt: "Convert to anime", data: await fileFromPath(path) };
 *   }
 * }
 * const summary = await runBatch(client, clips(), {
 *   saveTo: "out/{name}.{ext}",
 *   journal: "out/batch.journal",
 *   onOutcome: (outcome) => console.log(outcome.key, outcome.status, outcome.file),
 * });
 * console.log(`${summary.completed} done, ${summary.failed} failed, ${summary.skipped} skipped`);
 * ```
 */
export async function runBatch(
  client: DecartClient,
  items: Iterable<NodeBatchItem> | AsyncIterable<NodeBatchItem>,
  options: RunBatchOptions = {},
): Promise<RunBatchSummary> {
  const journal = options.journal ? BatchJournal.open(options.journal) : undefined;
  const places = new Map<number, ItemPlace>();
  const skipped = { completed: 0, failed: 0 };
  const inDoubt = new InDoubtItems();
  const names = new Map<string, string>();
  /** Completed by the server but failed here (the result could not be saved): failed in the summary. */
  let unsaved = 0;
  async function* source(): AsyncGenerator<BatchItem> {
    let index = 0;
    let passed = 0;
    for await (const raw of items) {
      const position = index++;
      const { name: _name, ...item } = raw;
      const key = item.key ?? (await batchItemKey(item));
      const entry = journal?.get(key);
      const resume = await resumeCancelled(client, entry, resumeFrom(entry, options));
      // Each `{name}` is one item's: an item whose name an earlier one of the run holds (one photo under
      // several prompts, `day1/a.mp4` beside `day2/a.mp4`) is saved as `{name}-{key}`, never over it.
      let name = itemName(raw, key);
      if ((names.get(name) ?? key) !== key) name = `${name}-${key}`;
      names.set(name, key);
      if (resume === "skip") {
        const outcome = skippedOutcome(position, key, entry as JournalEntry);
        skipped[outcome.status as "completed" | "failed"]++;
        await options.onOutcome?.(outcome);
        continue;
      }
      if (entry?.status === "submitting" && resume.idempotencyKey)
        inDoubt.add(passed, position, resume.idempotencyKey);
      places.set(passed++, { index: position, name });
      yield { ...item, key, ...resume } as BatchItem;
    }
  }
  const { journal: _j, saveTo: _s, retryFailed: _r, onEvent, onOutcome, ...batchOptions } = options;
  const writer = new JournalWriter(journal, (reason) => batch.cancel(reason));
  const batch = createBatch(client, source(), {
    ...batchOptions,
    // A submission is on disk before it is sent, so a run killed meanwhile resends it with its key.
    beforeSubmit: (submission) => {
      inDoubt.submitting(submission);
      const { key, idempotencyKey } = submission;
      return writer.writeDurably({ event: "submitting", key, idempotencyKey });
    },
  });
  batch.subscribe((event, snapshot) => {
    if (event.type === "submitted") {
      // Written at once; on disk with the next shared flush, while the item goes on polling.
      writer.write({ event: "submitted", key: event.key, jobId: event.jobId });
      inDoubt.submitted(event.index, event.jobId);
    }
    if (!onEvent) return;
    if (event.type === "outcome" || event.type === "done") onEvent(event, snapshot);
    else onEvent({ ...event, index: places.get(event.index)?.index ?? event.index }, snapshot);
  });
  let summary: BatchSummary;
  try {
    for await (const coreOutcome of batch) {
      const place = places.get(coreOutcome.index) as ItemPlace;
      places.delete(coreOutcome.index);
      const resent = inDoubt.settled(coreOutcome.index);
      const placed: NodeBatchOutcome = { ...coreOutcome, index: place.index };
      if (resent) placed.resubmitted = true;
      const outcome = await settle(placed, place.name, options);
      if (placed.status === "completed" && outcome.status === "failed") unsaved++;
      if (resent) resent.status = outcome.status;
      writer.write(journalRecord(outcome));
      await onOutcome?.(outcome);
    }
    summary = await batch.done;
  } finally {
    await writer.close();
  }
  return {
    ...summary,
    total: summary.total + skipped.completed + skipped.failed,
    completed: summary.completed - unsaved + skipped.completed,
    failed: summary.failed + unsaved + skipped.failed,
    skipped: skipped.completed + skipped.failed,
    resubmitted: inDoubt.list(),
  };
}

/**
 * Writes runBatch's journal records. A journal that cannot be written stops the run (the batch is
 * cancelled, nothing more is sent) and `close()` rejects with why.
 */
class JournalWriter {
  readonly #journal: BatchJournal | undefined;
  readonly #stop: (reason: unknown) => void;
  #failure: unknown;

  constructor(journal: BatchJournal | undefined, stop: (reason: unknown) => void) {
    this.#journal = journal;
    this.#stop = stop;
  }

  /** Writes `line` now (a killed process keeps it); it reaches the disk with the next shared flush. */
  write(line: JournalRecord): void {
    if (!this.#journal || this.#failure !== undefined) return;
    try {
      this.#journal.append(line);
    } catch (error) {
      this.#fail(error);
    }
  }

  /** Writes `line` now and resolves once it is on disk; rejects when it could not be written. */
  async writeDurably(line: JournalRecord): Promise<void> {
    this.write(line);
    if (this.#failure !== undefined) throw this.#failure;
    try {
      await this.#journal?.flushed();
    } catch (error) {
      throw this.#fail(error);
    }
  }

  #fail(error: unknown): unknown {
    if (this.#failure === undefined) {
      this.#failure = error;
      this.#stop(error);
    }
    return error;
  }

  /** Waits for every record to be on disk and closes the journal; rejects when it could not be written. */
  async close(): Promise<void> {
    try {
      await this.#journal?.close();
    } catch (error) {
      this.#fail(error);
    }
    if (this.#failure !== undefined) throw this.#failure;
  }
}

/** Saves a completed item's result; a save that fails makes the item failed. */
async function settle(
  outcome: NodeBatchOutcome,
  name: string,
  options: RunBatchOptions,
): Promise<NodeBatchOutcome> {
  if (outcome.status !== "completed" || !outcome.data || !options.saveTo) return outcome;
  const fields = { name, ext: resultExtension(outcome.data.type), index: outcome.index, key: outcome.key };
  const path = resolve(fillSavePath(options.saveTo, fields));
  try {
    await saveResult(outcome.data, path, { mkdir: true });
    return { ...outcome, file: path };
  } catch (error) {
    const failure = isDecartError(error)
      ? error
      : new DecartSDKError(String(error), { code: "SAVE_FAILED", cause: error });
    const { data: _data, ...rest } = outcome;
    return { ...rest, status: "failed", error: failure };
  }
}

function journalRecord(outcome: NodeBatchOutcome) {
  const jobId = outcome.jobId === undefined ? {} : { jobId: outcome.jobId };
  if (outcome.status === "completed") {
    return {
      event: "completed" as const,
      key: outcome.key,
      ...jobId,
      ...(outcome.file ? { file: outcome.file } : {}),
    };
  }
  if (outcome.status === "cancelled") return { event: "cancelled" as const, key: outcome.key, ...jobId };
  return {
    event: "failed" as const,
    key: outcome.key,
    ...jobId,
    code: String(outcome.error?.code ?? "SDK_ERROR"),
    message: outcome.error?.message ?? "failed",
  };
}
