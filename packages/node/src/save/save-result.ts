import { createHash, randomBytes } from "node:crypto";
import type { FileHandle } from "node:fs/promises";
import { link, lstat, mkdir, open, readdir, rename, rm, unlink } from "node:fs/promises";
import { hostname } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { DecartSDKError } from "@decart/core";
import { describeFileError } from "../files/index";

/** Options of {@link saveResult}. */
export interface SaveResultOptions {
  /** Cancels the save: the promise rejects with the signal's reason and nothing is left on disk. */
  signal?: AbortSignal;
  /** Replace a file already at the path. When `false`, an existing file is an error. @default true */
  overwrite?: boolean;
  /** Create the destination folder (and its parents) when missing. @default false */
  mkdir?: boolean;
}

/** What {@link saveResult} wrote. */
export interface SavedResult {
  /** Absolute path of the saved file. */
  path: string;
  /** Number of bytes written. */
  bytes: number;
}

/**
 * Suffix of in-progress files. Their names carry the writer's host (a hash of its name) and pid, so a
 * later save removes the leftovers of a killed process, and only those of a process of this machine:
 * on a folder several machines share, another machine's pid says nothing here.
 */
const partialSuffix = ".decart-partial";
const partialPattern = /^\..+\.(?:([0-9a-f]{8})-)?(\d+)-[0-9a-f]{12}\.decart-partial$/;

let hostTag: string | undefined;

/**
 * This machine's tag in the name of a temporary file: 8 hex digits of its host name's hash, worked out
 * on the first save (not on import: Deno asks for a permission to read the host name). Where the name
 * cannot be read, `00000000`: such machines then treat each other's leftovers as their own.
 */
export function partialHostTag(): string {
  if (hostTag === undefined) {
    let name = "";
    try {
      name = hostname();
    } catch {
      // No permission to read it (Deno without --allow-sys).
    }
    hostTag = name === "" ? "00000000" : createHash("sha256").update(name).digest("hex").slice(0, 8);
  }
  return hostTag;
}

/**
 * Saves a result (a `Blob` from `client.process`, or any byte stream) to `path` atomically: the bytes
 * are streamed to a temporary file in the same folder, flushed to disk, then renamed over `path`. A save
 * that is cancelled, fails to write (permission denied, disk full) or whose stream fails leaves no file at
 * `path` and no temporary file; a previous file at `path` stays as it was.
 *
 * Temporary files are named `.<name>.<pid>-<random>.decart-partial`. If the process is killed mid-save
 * (`kill -9`), its temporary file cannot be removed by it; the next `saveResult` into the same folder
 * removes partial files whose process is no longer running.
 *
 * Rejects with the signal's reason when aborted, and with a `DecartSDKError` (code `FILE_EXISTS` or
 * `SAVE_FAILED`, the system error as `cause`) otherwise.
 *
 * @example
 * ```ts
 * import { createDecartClient } from "@decart/core";
 * import { models } from "@decart/models";
 * import { saveResult } from "@decart/node";
 *
 * const client = createDecartClient({ apiKey: process.env.DECART_API_KEY });
 * const video = await client.process({ model: models.video("lucy-pro-t2v"), prompt: "A serene lake at sunset" });
 * const { path, bytes } = await saveResult(video, "output/lake.mp4", { mkdir: true });
 * console.log(`wrote ${bytes} bytes to ${path}`);
 * ```
 */
export async function saveResult(
  result: Blob | ReadableStream<Uint8Array>,
  path: string,
  options: SaveResultOptions = {},
): Promise<SavedResult> {
  const { signal, overwrite = true } = options;
  signal?.throwIfAborted();
  const target = resolve(path);
  const folder = dirname(target);
  if (options.mkdir) {
    try {
      await mkdir(folder, { recursive: true });
    } catch (error) {
      throw saveError(path, error);
    }
  }
  if (!overwrite && (await exists(target))) throw fileExists(path);
  await removeStalePartials(folder);

  const temporary = join(
    folder,
    `.${basename(target).slice(0, 100)}.${partialHostTag()}-${process.pid}-${randomBytes(6).toString("hex")}${partialSuffix}`,
  );
  let handle: FileHandle | undefined;
  let bytes = 0;
  try {
    handle = await open(temporary, "wx");
    const reader = (result instanceof Blob ? result.stream() : result).getReader();
    try {
      for (;;) {
        const { done, value } = await untilAborted(reader.read(), signal);
        if (done) break;
        await writeAll(handle, value);
        bytes += value.byteLength;
        signal?.throwIfAborted();
      }
    } catch (error) {
      reader.cancel(error).catch(() => {});
      throw error;
    }
    await handle.sync();
    await handle.close();
    handle = undefined;
    signal?.throwIfAborted();
    await commit(temporary, target, path, overwrite);
  } catch (error) {
    await handle?.close().catch(() => {});
    await rm(temporary, { force: true }).catch(() => {});
    if (signal?.aborted) throw signal.reason;
    if (error instanceof DecartSDKError) throw error;
    throw saveError(path, error);
  }
  await syncFolder(folder);
  return { path: target, bytes };
}

async function writeAll(handle: FileHandle, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < chunk.byteLength) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.byteLength - offset);
    offset += bytesWritten;
  }
}

/** The error of a save that would replace a file while `overwrite` is false. */
function fileExists(path: string): DecartSDKError {
  return new DecartSDKError(
    `Cannot save to ${path}: a file already exists there (pass overwrite: true to replace it)`,
    { code: "FILE_EXISTS" },
  );
}

/** Moves the finished temporary file to its destination. */
async function commit(temporary: string, target: string, path: string, overwrite: boolean): Promise<void> {
  if (overwrite) {
    await rename(temporary, target);
    return;
  }
  // link() fails with EEXIST when the destination appeared meanwhile: no check-then-rename race.
  try {
    await link(temporary, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") throw fileExists(path);
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP" && code !== "ENOSYS") throw error;
    // A file system without hard links: fall back to a checked rename.
    if (await exists(target)) throw fileExists(path);
    await rename(temporary, target);
    return;
  }
  await unlink(temporary);
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolvePromise, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolvePromise(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Removes `.decart-partial` files left in `folder` by processes of this machine that no longer run (and
 * those of older releases, whose names carry no host). Best effort.
 */
async function removeStalePartials(folder: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return;
  }
  for (const name of names) {
    const match = partialPattern.exec(name);
    if (!match || (match[1] !== undefined && match[1] !== partialHostTag())) continue;
    const pid = Number(match[2]);
    if (!pid || pid === process.pid || isRunning(pid)) continue;
    await rm(join(folder, name), { force: true }).catch(() => {});
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Flushes the rename itself to disk. Not every platform can open a folder; that is fine. */
async function syncFolder(folder: string): Promise<void> {
  try {
    const handle = await open(folder, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // best effort
  }
}

function saveError(path: string, cause: unknown): DecartSDKError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  const reason = code === "ENOSPC" ? "no space left on device" : describeFileError(cause);
  return new DecartSDKError(`Cannot save to ${path}: ${reason}`, { code: "SAVE_FAILED", cause });
}
