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

/** The MIME type registered for a file name's extension, or `undefined` when the extension is unknown. */
export function mediaTypeFromName(name: string): string | undefined {
  return typesByExtension[extname(name).toLowerCase()];
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
