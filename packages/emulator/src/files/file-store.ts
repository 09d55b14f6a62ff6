import { randomBytes } from "node:crypto";
import { mkdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { HttpError, quote, type UploadedFile } from "../http/index";

/** How long an upload lives: seconds, or `"persistent"` for ever. */
export type FileTtl = number | "persistent";

/** One uploaded file, as the emulator keeps it. */
export interface StoredFile {
  /** `file_…`, the prefix 0.1.20's `isFileRefId` looks for. */
  readonly id: string;
  /** Where the bytes are. */
  readonly path: string;
  readonly filename: string | null;
  readonly mimeType: string;
  readonly size: number;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  /** Epoch milliseconds; `undefined` for a persistent file. */
  readonly expiresAt: number | undefined;
}

/** The wire form of a file, exactly 0.1.20's `FileReference`. */
export interface FileReference {
  readonly id: string;
  readonly filename: string | null;
  readonly mime_type: string;
  readonly size_bytes: number;
  readonly created_at: string;
  readonly expires_at: string | null;
}

/** The `FileReference` of a stored file. */
export const fileReference = (file: StoredFile): FileReference => ({
  id: file.id,
  filename: file.filename,
  mime_type: file.mimeType,
  size_bytes: file.size,
  created_at: new Date(file.createdAt).toISOString(),
  expires_at: file.expiresAt === undefined ? null : new Date(file.expiresAt).toISOString(),
});

/** What a {@link FileStore} works with. */
export interface FileStoreOptions {
  /** Folder the files are kept in (inside the emulator's work folder, deleted with it), made when needed. */
  readonly directory: string;
  /** TTL of an upload that names none, in seconds. @default 86400 (24 hours, the real API's) */
  readonly defaultTtlSeconds?: number;
  /** Multiplies every TTL (ours, for tests): 0.01 makes a 60-second file expire after 0.6 s. */
  readonly timeScale: number;
  /** The clock. @default Date.now */
  readonly now?: () => number;
}

/** The longest delay `setTimeout` keeps (about 24.8 days); a later expiry is reached in steps. */
const maxTimerMs = 2 ** 31 - 1;

/**
 * The files of `/v1/files`: each upload moved into one folder under a fresh id, found by id until it is
 * deleted or expires. One timer, set for the soonest expiry, removes expired files from disk; a lookup
 * also refuses a file past its expiry even before the timer has run. `close()` stops the timer.
 */
export class FileStore {
  private readonly files = new Map<string, StoredFile>();
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: FileStoreOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Keeps `upload` (moving its bytes into the store) for `ttl`, or the default TTL. */
  async add(upload: UploadedFile, ttl: FileTtl | undefined): Promise<StoredFile> {
    const id = `file_${randomBytes(12).toString("hex")}`;
    const path = join(this.options.directory, id);
    // Made at the first upload: an emulator that stores no file has no folder for them.
    await mkdir(this.options.directory, { recursive: true });
    await rename(upload.path, path);
    const createdAt = this.now();
    const seconds = ttl ?? this.options.defaultTtlSeconds ?? 24 * 60 * 60;
    const file: StoredFile = {
      id,
      path,
      filename: upload.filename ?? null,
      mimeType: upload.mimeType || "application/octet-stream",
      size: upload.size,
      createdAt,
      expiresAt: seconds === "persistent" ? undefined : createdAt + seconds * 1000 * this.options.timeScale,
    };
    if (this.closed) {
      await rm(path, { force: true });
      throw new HttpError(503, "SHUTTING_DOWN", "The emulator is shutting down");
    }
    this.files.set(id, file);
    this.schedule();
    return file;
  }

  /** The file `id`; throws the 404 `FILE_NOT_FOUND` for an unknown, deleted or expired one. */
  find(id: string): StoredFile {
    const file = this.files.get(id);
    if (file && !this.expired(file, this.now())) return file;
    if (file) void this.forget(file);
    throw new HttpError(
      404,
      "FILE_NOT_FOUND",
      `No file ${quote(id)}; it never existed, was deleted or expired`,
    );
  }

  /** Deletes the file `id` and its bytes; throws the 404 like {@link FileStore.find}. */
  async delete(id: string): Promise<void> {
    await this.forget(this.find(id));
  }

  /** Stops the expiry timer and forgets every file (their bytes go with the work folder). */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.files.clear();
  }

  private expired(file: StoredFile, now: number): boolean {
    return file.expiresAt !== undefined && now >= file.expiresAt;
  }

  private async forget(file: StoredFile): Promise<void> {
    if (this.files.get(file.id) === file) this.files.delete(file.id);
    this.schedule();
    await rm(file.path, { force: true }).catch(() => undefined);
  }

  /** Sets the one timer for the soonest expiry (none when no file expires). */
  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.closed) return;
    let soonest = Number.POSITIVE_INFINITY;
    for (const file of this.files.values()) {
      if (file.expiresAt !== undefined && file.expiresAt < soonest) soonest = file.expiresAt;
    }
    if (soonest === Number.POSITIVE_INFINITY) return;
    const delay = Math.min(maxTimerMs, Math.max(0, soonest - this.now()));
    this.timer = setTimeout(() => void this.sweep(), delay);
    this.timer.unref();
  }

  /** Removes every expired file, then sets the timer for the next. */
  private async sweep(): Promise<void> {
    this.timer = undefined;
    const now = this.now();
    const expired = [...this.files.values()].filter((file) => this.expired(file, now));
    for (const file of expired) this.files.delete(file.id);
    this.schedule();
    await Promise.all(expired.map((file) => rm(file.path, { force: true }).catch(() => undefined)));
  }
}
