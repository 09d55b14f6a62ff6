import { createWriteStream, mkdtempSync, openAsBlob, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { InvalidInputError } from "@decart/core";
import { sniffLength, sniffMediaType } from "@decart/core/protocol";
import { mediaTypeFromName } from "./media-type";

let spoolDirectory: string | undefined;
let spoolCount = 0;

function directory(): string {
  if (spoolDirectory === undefined) {
    spoolDirectory = mkdtempSync(join(tmpdir(), "decart-spool-"));
    const created = spoolDirectory;
    // A file-backed Blob stops being readable once its file is gone, so the spool lives as long as the process.
    process.once("exit", () => rmSync(created, { recursive: true, force: true }));
  }
  return spoolDirectory;
}

/**
 * Copies a stream to a file in a per-process temporary folder and returns a `File` read lazily from it,
 * so memory stays flat whatever the stream's size. The folder is removed when the process exits.
 */
export async function spoolToFile(
  source: Readable | ReadableStream<Uint8Array>,
  name: string,
  options: { type?: string; signal?: AbortSignal } = {},
): Promise<File> {
  const path = join(directory(), `${++spoolCount}`);
  let head: Uint8Array | undefined;
  let written = 0;
  const sniffer = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      written += chunk.byteLength;
      if (head === undefined || head.length < sniffLength) {
        head =
          head === undefined
            ? chunk.subarray(0, sniffLength)
            : Buffer.concat([head, chunk]).subarray(0, sniffLength);
      }
      callback(null, chunk);
    },
  });
  const input =
    source instanceof Readable
      ? source
      : Readable.fromWeb(source as import("node:stream/web").ReadableStream);
  try {
    await pipeline(input, sniffer, createWriteStream(path), options.signal ? { signal: options.signal } : {});
  } catch (error) {
    rmSync(path, { force: true });
    if (options.signal?.aborted) throw options.signal.reason;
    throw error;
  }
  const type = options.type ?? mediaTypeFromName(name) ?? sniffMediaType(head ?? new Uint8Array()) ?? "";
  const blob = await openAsBlob(path, { type });
  if (blob.size !== written) {
    rmSync(path, { force: true });
    // Node 20's openAsBlob keeps the size in 32 bits; refuse rather than send a truncated file.
    throw new InvalidInputError(
      `Cannot use ${name}: it is ${written} bytes, and this Node.js version (${process.version}) cannot stream files of 4 GiB or more as a Blob`,
    );
  }
  return new File([blob], name, { type });
}
