import { fileURLToPath } from "node:url";
import { InvalidInputError } from "@decart/core";
import { fileFromPath } from "./file-from-path";
import { mediaTypeFromName } from "./media-type";
import { spoolToFile } from "./spool";

/** Options of {@link fileFromUrl}. */
export interface FileFromUrlOptions {
  /** MIME type. @default the response's `Content-Type`, else from the name, else from the first bytes */
  type?: string;
  /** File name. @default from `Content-Disposition`, else the URL's last path segment */
  name?: string;
  /** Cancels the download; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** The fetch to download with. @default globalThis.fetch */
  fetch?: typeof fetch;
}

/**
 * Downloads an `http(s)` URL into a named `File` (spooled to a temporary file, so a large download is
 * not held in memory), or opens a `file:` URL with {@link fileFromPath}. A failed download rejects with
 * `InvalidInputError` naming the URL and the HTTP status.
 *
 * The client also accepts an `http(s)` URL directly as `data`; use this helper when you want the bytes
 * fetched from this machine, or to inspect them before sending.
 *
 * @example
 * ```ts
 * import { fileFromUrl } from "@decart/node";
 *
 * const image = await fileFromUrl("https://example.com/photo.jpg");
 * console.log(image.name, image.type, image.size);
 * ```
 */
export async function fileFromUrl(url: string | URL, options: FileFromUrlOptions = {}): Promise<File> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new InvalidInputError(`Cannot download ${String(url)}: not a valid URL`, { cause: error });
  }
  if (parsed.protocol === "file:") {
    return fileFromPath(fileURLToPath(parsed), withoutUndefined({ type: options.type, name: options.name }));
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new InvalidInputError(`Cannot download ${parsed.href}: only http(s) and file URLs are supported`);
  }
  const fetchImplementation = options.fetch ?? globalThis.fetch;
  let response: Response;
  try {
    response = await fetchImplementation(parsed, options.signal ? { signal: options.signal } : {});
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    throw new InvalidInputError(`Cannot download ${parsed.href}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (!response.ok || response.body === null) {
    await response.body?.cancel().catch(() => {});
    throw new InvalidInputError(`Cannot download ${parsed.href}: HTTP ${response.status}`, {
      status: response.status,
    });
  }
  const name =
    options.name ?? nameFromDisposition(response.headers.get("content-disposition")) ?? nameFromUrl(parsed);
  const contentType = response.headers.get("content-type")?.split(";")[0]?.trim();
  const type =
    options.type ??
    (contentType && contentType !== "application/octet-stream" ? contentType : mediaTypeFromName(name));
  return spoolToFile(response.body, name, withoutUndefined({ type, signal: options.signal }));
}

function nameFromDisposition(header: string | null): string | undefined {
  if (!header) return undefined;
  const encoded = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header)?.[1];
  if (encoded) {
    try {
      return decodeURIComponent(encoded.trim());
    } catch {
      // fall through to the plain filename
    }
  }
  return /filename\s*=\s*"?([^";]+)"?/i.exec(header)?.[1]?.trim() || undefined;
}

function nameFromUrl(url: URL): string {
  const last = url.pathname.split("/").filter(Boolean).pop();
  try {
    return last ? decodeURIComponent(last) : "download";
  } catch {
    return last ?? "download";
  }
}

function withoutUndefined<T extends Record<string, unknown>>(
  value: T,
): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as never;
}
