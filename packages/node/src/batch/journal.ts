import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { DecartSDKError } from "@decart/core";

/** One line of a batch journal: what happened to the item with this key. */
export type JournalRecord =
  | { event: "submitting"; key: string; idempotencyKey: string }
  | { event: "submitted"; key: string; jobId: string }
  | { event: "completed"; key: string; jobId?: string; file?: string }
  | { event: "failed"; key: string; jobId?: string; code: string; message: string }
  | { event: "cancelled"; key: string; jobId?: string };

/**
 * Where an item stood when the journal was last written: the last record for its key, with the job
 * id and idempotency key learnt from earlier records kept.
 */
export interface JournalEntry {
  status: "submitting" | "submitted" | "completed" | "failed" | "cancelled";
  idempotencyKey?: string;
  jobId?: string;
  file?: string;
}

function parseLine(line: string): JournalRecord | undefined {
  try {
    const record = JSON.parse(line) as JournalRecord;
    return typeof record?.key === "string" && typeof record.event === "string" ? record : undefined;
  } catch {
    return undefined;
  }
}

/** Folds a record into the item's entry. A new submission after a failure or a cancel starts afresh. */
function apply(entries: Map<string, JournalEntry>, record: JournalRecord): void {
  const previous = entries.get(record.key);
  const next: JournalEntry = { ...previous, status: record.event };
  if (record.event === "submitting") {
    next.idempotencyKey = record.idempotencyKey;
    delete next.jobId;
    delete next.file;
  }
  if ("jobId" in record && record.jobId !== undefined) next.jobId = record.jobId;
  if (record.event === "completed" && record.file !== undefined) next.file = record.file;
  entries.set(record.key, next);
}

/**
 * A batch's journal on disk: one JSON record per line, appended and flushed to disk (`fsync`) before
 * the batch goes on, so a process killed at any point (`kill -9`) leaves every record it acted on and
 * at most one torn last line, which reading ignores.
 */
export class BatchJournal {
  readonly path: string;
  readonly #entries = new Map<string, JournalEntry>();
  #descriptor: number | undefined;

  private constructor(path: string) {
    this.path = path;
  }

  /** Opens (or creates, with its folder) the journal at `path` and reads what an earlier run recorded. */
  static open(path: string): BatchJournal {
    const journal = new BatchJournal(path);
    let text = "";
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw journalError(path, error);
    }
    for (const line of text.split("\n")) {
      const record = line.trim() === "" ? undefined : parseLine(line);
      if (record) apply(journal.#entries, record);
    }
    try {
      mkdirSync(dirname(path), { recursive: true });
      journal.#descriptor = openSync(path, "a");
      // A torn last line from a killed run must not swallow the first record of this one.
      if (text.length > 0 && !text.endsWith("\n")) writeSync(journal.#descriptor, "\n");
    } catch (error) {
      throw journalError(path, error);
    }
    return journal;
  }

  /** What the journal knows of the item with this key. */
  get(key: string): JournalEntry | undefined {
    return this.#entries.get(key);
  }

  /** Appends a record and flushes it to disk before returning. */
  append(record: JournalRecord): void {
    if (this.#descriptor === undefined) throw new DecartSDKError(`The journal ${this.path} is closed`);
    writeSync(this.#descriptor, `${JSON.stringify(record)}\n`);
    fsyncSync(this.#descriptor);
    apply(this.#entries, record);
  }

  /** Closes the file. */
  close(): void {
    if (this.#descriptor !== undefined) closeSync(this.#descriptor);
    this.#descriptor = undefined;
  }
}

function journalError(path: string, error: unknown): DecartSDKError {
  return new DecartSDKError(`Cannot use ${path} as a batch journal: ${(error as Error).message}`, {
    code: "JOURNAL_FAILED",
    cause: error,
  });
}
