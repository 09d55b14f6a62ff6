import {
  closeSync,
  existsSync,
  fdatasync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeSync,
} from "node:fs";
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

/** A caller waiting for the records up to `upTo` to be on disk. */
interface FlushWaiter {
  upTo: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * A batch's journal on disk: one JSON record per line. Each record is written to the file before the
 * batch acts on it, so a process killed at any point (`kill -9`) leaves every record it acted on and at
 * most one torn last line, which reading ignores. Flushing to the disk itself (`fdatasync`, for a power
 * loss) runs off the event loop and is shared: one flush covers every record written before it started,
 * so a batch of 64 items in flight pays for a flush every few milliseconds, not three per item.
 * `flushed()` waits for it where it matters: a submission's record is on disk before it is sent.
 */
export class BatchJournal {
  readonly path: string;
  readonly #entries = new Map<string, JournalEntry>();
  #descriptor: number | undefined;
  /** Records written, and how many of them a finished flush covers. */
  #written = 0;
  #durable = 0;
  #flushing = false;
  #waiters: FlushWaiter[] = [];
  #failure: DecartSDKError | undefined;

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
      const created = !existsSync(path);
      journal.#descriptor = openSync(path, "a");
      if (created) flushFolder(dirname(path));
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

  /**
   * Writes a record to the file before returning (a process killed from then on keeps it) and starts
   * flushing it to disk; `flushed()` tells when it is there.
   */
  append(record: JournalRecord): void {
    if (this.#descriptor === undefined) throw new DecartSDKError(`The journal ${this.path} is closed`);
    if (this.#failure) throw this.#failure;
    try {
      writeSync(this.#descriptor, `${JSON.stringify(record)}\n`);
    } catch (error) {
      throw journalError(this.path, error);
    }
    this.#written++;
    apply(this.#entries, record);
    this.#flush();
  }

  /** Resolves once every record appended so far is on disk; rejects when flushing failed. */
  flushed(): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#durable >= this.#written) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#waiters.push({ upTo: this.#written, resolve, reject });
    });
  }

  /** One flush at a time; records written while it runs wait for the next one, which then covers them all. */
  #flush(): void {
    if (this.#flushing || this.#failure || this.#descriptor === undefined) return;
    if (this.#durable >= this.#written) return;
    const upTo = this.#written;
    this.#flushing = true;
    fdatasync(this.#descriptor, (error) => {
      this.#flushing = false;
      if (error) {
        this.#failure = journalError(this.path, error);
        for (const waiter of this.#waiters.splice(0)) waiter.reject(this.#failure);
        return;
      }
      this.#durable = upTo;
      const waiting: FlushWaiter[] = [];
      for (const waiter of this.#waiters) {
        if (waiter.upTo <= upTo) waiter.resolve();
        else waiting.push(waiter);
      }
      this.#waiters = waiting;
      this.#flush();
    });
  }

  /** Waits until every record is on disk, then closes the file; rejects when a write or flush failed. */
  async close(): Promise<void> {
    try {
      await this.flushed();
    } finally {
      if (this.#descriptor !== undefined) closeSync(this.#descriptor);
      this.#descriptor = undefined;
    }
  }
}

/** Flushes a new file's entry in its folder to disk. Not every platform can open a folder; that is fine. */
function flushFolder(folder: string): void {
  let descriptor: number | undefined;
  try {
    descriptor = openSync(folder, "r");
    fsyncSync(descriptor);
  } catch {
    // The file is still there once written; only a power loss right after creating it could lose it.
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
}

function journalError(path: string, error: unknown): DecartSDKError {
  return new DecartSDKError(`Cannot use ${path} as a batch journal: ${(error as Error).message}`, {
    code: "JOURNAL_FAILED",
    cause: error,
  });
}
