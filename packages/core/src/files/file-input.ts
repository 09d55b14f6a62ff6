import { DecartSDKError, InvalidInputError, retryableStatuses } from "../errors/index";
import { sniffLength, sniffMediaType } from "../protocol/index";

/**
 * Anything a file field (`data`, `start`, `end`) accepts.
 *
 * - `Blob` / `File` are sent as they are, never read into memory (a disk-backed Blob, such as one from
 *   `fs.openAsBlob` or `fileFromPath`, streams from disk).
 * - `ArrayBuffer` / `Uint8Array` (any typed array or `DataView`) are wrapped in a Blob.
 * - `ReadableStream` is read once into a Blob before the upload, so a retry can send it again; pass a
 *   Blob instead for very large files.
 * - `URL` / `http(s)` string: the client downloads it (without your API key) and uploads the bytes,
 *   because the Process API takes files, not links; an unreachable URL is an `InvalidInputError`.
 *
 * A part without a MIME type gets one from its first bytes (PNG, JPEG, WebP, GIF, MP4, MOV, WebM).
 *
 * @example
 * ```ts
 * import type { FileInput } from "@decart/core";
 *
 * const fromBytes: FileInput = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
 * const fromUrl: FileInput = "https://example.com/cat.png";
 * ```
 */
export type FileInput = Blob | ArrayBuffer | ArrayBufferView | ReadableStream<Uint8Array> | URL | string;

/** A file part ready for multipart: the bytes (by reference) and a filename. */
export interface UploadFile {
  blob: Blob;
  filename: string;
}

/** The extension an upload of a known media type is named with when it has no name of its own. */
const extensions: Readonly<Record<string, string>> = {
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/webp": "webp",
  "image/gif": "gif",
  "video/mp4": "mp4",
  "video/quicktime": "mov",
  "video/webm": "webm",
};

function isForeignBlob(value: unknown): value is Pick<Blob, "arrayBuffer" | "size"> & { type?: string } {
  const candidate = value as Partial<Blob> | null;
  return (
    typeof candidate === "object" &&
    candidate !== null &&
    typeof candidate.size === "number" &&
    typeof candidate.arrayBuffer === "function" &&
    typeof candidate.stream === "function"
  );
}

function isHttpUrl(value: string): boolean {
  return /^https?:\/\//i.test(value);
}

interface ResolveContext {
  model: string;
  fetch: typeof globalThis.fetch | undefined;
  signal: AbortSignal | undefined;
}

/**
 * Turns one file input into a multipart part, by reference where the input is already a Blob. Any
 * failure to read the input (a stream that errors, is locked or yields strings, a detached buffer, a
 * Blob-like whose `arrayBuffer()` throws, a download cut short) is an `InvalidInputError` naming the
 * field, with the runtime's error as `cause`; an abort rejects with the signal's reason.
 */
export async function resolveFileInput(
  field: string,
  value: unknown,
  context: ResolveContext,
): Promise<UploadFile> {
  try {
    return await readFileInput(field, value, context);
  } catch (error) {
    if (context.signal?.aborted) throw context.signal.reason;
    if (error instanceof DecartSDKError) throw error;
    const why = error instanceof Error ? error.message : String(error);
    throw InvalidInputError.fromIssues(
      context.model,
      [{ field, message: `${field} could not be read: ${why}` }],
      { cause: error },
    );
  }
}

async function readFileInput(field: string, value: unknown, context: ResolveContext): Promise<UploadFile> {
  let blob: Blob;
  let name: string | undefined;
  if (value instanceof Blob) {
    blob = value;
    name = (value as Partial<File>).name || undefined;
  } else if (isForeignBlob(value)) {
    // A Blob from another realm (a jsdom window, a polyfill) is not accepted by this realm's FormData.
    blob = new Blob([await value.arrayBuffer()], { type: value.type ?? "" });
    name = (value as Partial<File>).name || undefined;
  } else if (value instanceof ArrayBuffer) {
    blob = new Blob([value]);
  } else if (ArrayBuffer.isView(value)) {
    blob = new Blob([
      new Uint8Array(value.buffer, value.byteOffset, value.byteLength) as Uint8Array<ArrayBuffer>,
    ]);
  } else if (typeof ReadableStream === "function" && value instanceof ReadableStream) {
    blob = await new Response(value).blob();
  } else if (value instanceof URL || (typeof value === "string" && isHttpUrl(value))) {
    const url = value instanceof URL ? value : new URL(value);
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw fieldError(context, field, `must be an http(s) URL, not ${url.protocol}`);
    }
    blob = await download(field, url, context);
    name = fileNameOf(url);
  } else {
    throw fieldError(
      context,
      field,
      "must be a Blob, File, ArrayBuffer, Uint8Array, ReadableStream, URL or http(s) URL string",
    );
  }
  let type = blob.type.split(";", 1)[0]?.trim() ?? "";
  if (type === "" || type === "application/octet-stream") {
    const sniffed = sniffMediaType(new Uint8Array(await blob.slice(0, sniffLength).arrayBuffer()));
    if (sniffed) {
      type = sniffed;
      blob = new Blob([blob], { type }); // references the bytes; nothing is copied
    }
  }
  return { blob, filename: name ?? `${field}.${extensions[type] ?? "bin"}` };
}

/** The file name a URL ends with, decoded where it is valid percent-encoding, else as it is spelled. */
function fileNameOf(url: URL): string | undefined {
  const last = url.pathname.split("/").pop() ?? "";
  try {
    return decodeURIComponent(last) || undefined;
  } catch {
    return last || undefined;
  }
}

/**
 * The `InvalidInputError` of one file field: `<field> <clause>`. `retryable` when the input may be
 * there on another try (a download that failed on the way), not when it is wrong as given.
 */
function fieldError(
  context: ResolveContext,
  field: string,
  clause: string,
  cause?: unknown,
  retryable = false,
) {
  return InvalidInputError.fromIssues(context.model, [{ field, message: `${field} ${clause}` }], {
    cause,
    retryable,
  });
}

/**
 * Downloads a URL input. A failure is an `InvalidInputError` naming the field and the URL; it is
 * `retryable` when the connection failed or broke off, or the server answered 408, 429, 500, 502, 503
 * or 504 (`retryableStatuses`, as for the API's own answers).
 */
async function download(field: string, url: URL, context: ResolveContext): Promise<Blob> {
  const send = context.fetch ?? globalThis.fetch;
  const failed = (detail: string, cause: unknown, retryable: boolean) =>
    fieldError(context, field, `could not be downloaded from ${url.href}${detail}`, cause, retryable);
  let response: Response;
  try {
    response = await send(url.href, context.signal ? { signal: context.signal } : undefined);
  } catch (error) {
    if (context.signal?.aborted) throw context.signal.reason;
    throw failed("", error, true);
  }
  if (!response.ok) {
    void response.body?.cancel().catch(() => undefined);
    throw failed(` (HTTP ${response.status})`, undefined, retryableStatuses.has(response.status));
  }
  try {
    return await response.blob();
  } catch (error) {
    if (context.signal?.aborted) throw context.signal.reason;
    throw failed(" (the connection broke off)", error, true);
  }
}
