import { ReadStream } from "node:fs";
import type { Readable } from "node:stream";
import { fileFromPath } from "./file-from-path";
import { spoolToFile } from "./spool";

/** Options of {@link fileFromReadable}. */
export interface FileFromReadableOptions {
  /** MIME type. @default from the name's extension, else from the first bytes, else `""` */
  type?: string;
  /** Stops reading the stream; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Turns a Node `Readable` into a named `File` that can be uploaded, without holding it in memory:
 *
 * - an untouched `fs.createReadStream(path)` of a whole file is replaced by {@link fileFromPath} on the
 *   same path (the stream is closed, the file is read lazily at upload time);
 * - any other stream (a socket, a child process's stdout, a transform…) is copied to a temporary file in
 *   the OS temp folder, and the `File` reads from there. That file is removed when the process exits.
 *
 * The upload needs the size up front (a multipart body with a Content-Length), which is why an arbitrary
 * stream is spooled to disk rather than passed through.
 *
 * @example
 * ```ts
 * import { spawn } from "node:child_process";
 * import { fileFromReadable } from "@decart/node";
 *
 * const ffmpeg = spawn("ffmpeg", ["-i", "input.mov", "-f", "mp4", "-movflags", "frag_keyframe", "pipe:1"]);
 * const video = await fileFromReadable(ffmpeg.stdout, "input.mp4");
 * ```
 */
export async function fileFromReadable(
  readable: Readable,
  name: string,
  options: FileFromReadableOptions = {},
): Promise<File> {
  if (isWholeUntouchedFileStream(readable)) {
    readable.destroy();
    return fileFromPath(
      readable.path as string,
      options.type === undefined ? { name } : { name, type: options.type },
    );
  }
  return spoolToFile(readable, name, options);
}

function isWholeUntouchedFileStream(readable: Readable): readable is ReadStream {
  if (!(readable instanceof ReadStream) || typeof readable.path !== "string") return false;
  const range = readable as ReadStream & { start?: number; end?: number };
  return (
    readable.bytesRead === 0 &&
    !readable.readableDidRead &&
    (range.start === undefined || range.start === 0) &&
    (range.end === undefined || range.end === Number.POSITIVE_INFINITY)
  );
}
