import { sniffMediaType } from "@decart/core/protocol";
import { mediaTypeFromName } from "./media-type";

/** Options of {@link fileFromBuffer}. */
export interface FileFromBufferOptions {
  /** MIME type. @default from the name's extension, else from the first bytes, else `""` */
  type?: string;
}

/**
 * Wraps bytes already in memory (a `Buffer`, `Uint8Array` or `ArrayBuffer`) as a named `File`, with a
 * MIME type from the name's extension or the bytes themselves.
 *
 * @example
 * ```ts
 * import { readFile } from "node:fs/promises";
 * import { fileFromBuffer } from "@decart/node";
 *
 * const image = fileFromBuffer(await readFile("image.jpg"), "image.jpg");
 * console.log(image.type); // "image/jpeg"
 * ```
 */
export function fileFromBuffer(
  buffer: Uint8Array | ArrayBuffer,
  name: string,
  options: FileFromBufferOptions = {},
): File {
  const bytes = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
  const type = options.type ?? mediaTypeFromName(name) ?? sniffMediaType(bytes) ?? "";
  return new File([bytes as Uint8Array<ArrayBuffer>], name, { type });
}
