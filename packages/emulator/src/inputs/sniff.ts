import { open } from "node:fs/promises";
import { sniffLength, sniffMediaType } from "@decart/core/protocol";

/** What an uploaded file's first bytes say it is. */
export interface SniffedMedia {
  /** Whether it is a still image or a video. */
  readonly kind: "image" | "video";
  /** The MIME type its signature stands for, such as `image/png` or `video/mp4`. */
  readonly mimeType: string;
  /** A short name for messages: `PNG`, `MP4`. */
  readonly format: string;
}

/** The short names messages use for each type `sniffMediaType` recognises. */
const formats: Readonly<Record<string, string>> = {
  "image/png": "PNG",
  "image/jpeg": "JPEG",
  "image/gif": "GIF",
  "image/webp": "WebP",
  "image/bmp": "BMP",
  "image/tiff": "TIFF",
  "image/avif": "AVIF",
  "image/heic": "HEIF",
  "video/mp4": "MP4",
  "video/quicktime": "QuickTime",
  "video/webm": "WebM",
  "video/x-msvideo": "AVI",
  "video/mpeg": "MPEG",
  "video/ogg": "Ogg",
};

/**
 * Tells an image from a video by its signature (see `sniffMediaType` in `@decart/core/protocol`), as a
 * server must when a client sends every upload as `application/octet-stream` (Decart's Python SDK does).
 * `undefined` when the bytes match none.
 */
export function sniffMedia(bytes: Uint8Array): SniffedMedia | undefined {
  const mimeType = sniffMediaType(bytes);
  if (mimeType === undefined) return undefined;
  const kind = mimeType.startsWith("image/") ? "image" : "video";
  return { kind, mimeType, format: formats[mimeType] ?? mimeType };
}

/** Reads the first bytes of the file at `path` and sniffs them; see {@link sniffMedia}. */
export async function sniffFile(path: string): Promise<SniffedMedia | undefined> {
  const handle = await open(path, "r");
  try {
    const buffer = new Uint8Array(sniffLength);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return sniffMedia(buffer.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}
