import { openAsBlob } from "node:fs";
import { open, stat } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { InvalidInputError } from "@decart/core";
import { sniffLength, sniffMediaType } from "@decart/core/protocol";
import { mediaTypeFromName } from "./media-type";

/** Options of {@link fileFromPath}. */
export interface FileFromPathOptions {
  /** MIME type of the file. @default from the extension, else from the first bytes, else `""` */
  type?: string;
  /** Name the file is sent under. @default the path's base name */
  name?: string;
}

/**
 * Opens a file on disk as a `File` that is read lazily, chunk by chunk, when it is uploaded: a
 * multi-gigabyte video is streamed, never held in memory. The name is the path's base name and the
 * MIME type comes from the extension, falling back to the file's first bytes.
 *
 * The file must not change until it has been sent (Node refuses to read a file-backed Blob whose file
 * was modified). A missing, unreadable path or a directory rejects with `InvalidInputError` naming it, as
 * does a file of 4 GiB or more on Node.js versions whose `fs.openAsBlob` cannot represent that size (Node 20
 * wraps the size at 2^32 bytes; the file is refused rather than sent truncated).
 *
 * @example
 * ```ts
 * import { createDecartClient } from "@decart/core";
 * import { models } from "@decart/models";
 * import { fileFromPath } from "@decart/node";
 *
 * const client = createDecartClient({ apiKey: process.env.DECART_API_KEY });
 * const video = await client.process({
 *   model: models.video("lucy-pro-i2v"),
 *   prompt: "Animate with gentle motion and wind",
 *   data: await fileFromPath("image.jpg"),
 * });
 * ```
 */
export async function fileFromPath(path: string, options: FileFromPathOptions = {}): Promise<File> {
  const absolute = resolve(path);
  const name = options.name ?? basename(absolute);
  let type = options.type ?? mediaTypeFromName(name);
  let lastModified: number;
  let size: number;
  try {
    const stats = await stat(absolute);
    if (stats.isDirectory()) {
      throw new InvalidInputError(`Cannot read ${path}: it is a directory, not a file`);
    }
    lastModified = stats.mtimeMs;
    size = stats.size;
    // Opening proves the file is readable now, rather than failing later in the middle of an upload.
    const handle = await open(absolute, "r");
    try {
      if (type === undefined) {
        const head = new Uint8Array(sniffLength);
        const { bytesRead } = await handle.read(head, 0, sniffLength, 0);
        type = sniffMediaType(head.subarray(0, bytesRead));
      }
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof InvalidInputError) throw error;
    throw new InvalidInputError(`Cannot read ${path}: ${describeFileError(error)}`, { cause: error });
  }
  const blob = await openAsBlob(absolute, { type: type ?? "" });
  if (blob.size !== size) {
    // Node 20's openAsBlob keeps the size in 32 bits: an 8 GiB file would look empty. Refuse, never truncate.
    throw new InvalidInputError(
      `Cannot read ${path}: it is ${size} bytes, and this Node.js version (${process.version}) cannot stream files of 4 GiB or more as a Blob`,
    );
  }
  // A File built from a Blob shares its backing store: nothing is read here.
  return new File([blob], name, { type: blob.type, lastModified });
}

/** A short reason for a file system error: `no such file`, `permission denied`… */
export function describeFileError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "ENOENT":
      return "no such file";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "it is a directory, not a file";
    case "ENOTDIR":
      return "a parent of the path is not a directory";
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
