import { extname } from "node:path";

const typesByExtension: Readonly<Record<string, string>> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".jfif": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".heic": "image/heic",
  ".bmp": "image/bmp",
  ".tif": "image/tiff",
  ".tiff": "image/tiff",
  ".svg": "image/svg+xml",
  ".mp4": "video/mp4",
  ".m4v": "video/mp4",
  ".mov": "video/quicktime",
  ".webm": "video/webm",
  ".mkv": "video/x-matroska",
  ".avi": "video/x-msvideo",
  ".mpeg": "video/mpeg",
  ".mpg": "video/mpeg",
  ".json": "application/json",
  ".txt": "text/plain",
};

const extensionsByType: Readonly<Record<string, string>> = {
  "image/png": ".png",
  "image/jpeg": ".jpg",
  "image/gif": ".gif",
  "image/webp": ".webp",
  "image/avif": ".avif",
  "image/heic": ".heic",
  "image/bmp": ".bmp",
  "image/tiff": ".tiff",
  "image/svg+xml": ".svg",
  "video/mp4": ".mp4",
  "video/quicktime": ".mov",
  "video/webm": ".webm",
  "video/x-matroska": ".mkv",
  "video/x-msvideo": ".avi",
  "video/mpeg": ".mpeg",
  "application/json": ".json",
  "text/plain": ".txt",
};

/** How many leading bytes {@link sniffMediaType} looks at. */
export const sniffLength = 16;

/** The MIME type registered for a file name's extension, or `undefined` when the extension is unknown. */
export function mediaTypeFromName(name: string): string | undefined {
  return typesByExtension[extname(name).toLowerCase()];
}

const startsWith = (bytes: Uint8Array, signature: readonly number[], offset = 0) =>
  bytes.length >= offset + signature.length &&
  signature.every((byte, index) => bytes[offset + index] === byte);

const ascii = (text: string) => Array.from(text, (character) => character.charCodeAt(0));

/** Recognises common image and video containers from their first bytes (magic numbers). */
export function sniffMediaType(bytes: Uint8Array): string | undefined {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith(bytes, ascii("GIF8"))) return "image/gif";
  if (startsWith(bytes, ascii("RIFF")) && startsWith(bytes, ascii("WEBP"), 8)) return "image/webp";
  if (startsWith(bytes, ascii("RIFF")) && startsWith(bytes, ascii("AVI "), 8)) return "video/x-msvideo";
  if (startsWith(bytes, ascii("BM"))) return "image/bmp";
  if (startsWith(bytes, [0x1a, 0x45, 0xdf, 0xa3])) return "video/webm";
  if (startsWith(bytes, ascii("ftyp"), 4)) {
    const brand = String.fromCharCode(...bytes.subarray(8, 12));
    if (brand === "qt  ") return "video/quicktime";
    if (brand === "avif" || brand === "avis") return "image/avif";
    if (brand.startsWith("hei") || brand === "mif1") return "image/heic";
    return "video/mp4";
  }
  return undefined;
}

/**
 * The file extension (with its dot) that matches a MIME type, such as `.mp4` for `video/mp4`; `.bin`
 * when the type is empty or unknown. Parameters such as `; charset=utf-8` are ignored.
 *
 * @example
 * ```ts
 * import { extensionForType } from "@decart/node";
 *
 * extensionForType("video/mp4"); // ".mp4"
 * extensionForType("image/png"); // ".png"
 * ```
 */
export function extensionForType(type: string): string {
  const essence = type.split(";")[0]?.trim().toLowerCase() ?? "";
  return extensionsByType[essence] ?? ".bin";
}
