import { InvalidInputError } from "../errors/index";
import { type FileInput, resolveFileInput } from "../files/index";
import { type ClientContext, guardedCall, jsonCall, uploadBody } from "../jobs/index";
import { resourceRoutes } from "../protocol/index";
import { APIPromise, type APIResponse, apiResponse } from "../response/index";

/**
 * A file uploaded with `client.files.upload()`, as the API describes it (its fields spelled as the wire
 * spells them). Fields the API adds later pass through as it sends them.
 *
 * @example
 * ```ts
 * import type { FileReference } from "@decart/core";
 *
 * const describe = (file: FileReference) =>
 *   `${file.id}: ${file.mime_type}, ${file.size_bytes} bytes, expires ${file.expires_at ?? "never"}`;
 * ```
 */
export interface FileReference {
  /** The file's id (such as `file_abc123`), used to refer to it in realtime sessions. */
  id: string;
  /** The name it was uploaded with, if any. */
  filename: string | null;
  /** Its media type, such as `image/png`. */
  mime_type: string;
  /** Its size in bytes. */
  size_bytes: number;
  /** When it was uploaded (ISO 8601). */
  created_at: string;
  /** When the server deletes it (ISO 8601); `null` for a persistent file. */
  expires_at: string | null;
}

/**
 * Options for `client.files.upload()`.
 *
 * @example
 * ```ts
 * import type { FileUploadOptions } from "@decart/core";
 *
 * const options: FileUploadOptions = { ttlSeconds: 3600, signal: AbortSignal.timeout(60_000) };
 * ```
 */
export interface FileUploadOptions {
  /**
   * How long the server keeps the file: a whole number of seconds from 60 to 2,592,000 (30 days), or
   * `"persistent"` to keep it until it is deleted.
   * @default 86400 (the server's default, 24 h)
   */
  ttlSeconds?: number | "persistent";
  /** Cancels the upload; it rejects with `signal.reason`. */
  signal?: AbortSignal;
}

/**
 * Options for `client.files.get()` and `client.files.delete()`.
 *
 * @example
 * ```ts
 * import type { FileRequestOptions } from "@decart/core";
 *
 * const options: FileRequestOptions = { signal: AbortSignal.timeout(5_000) };
 * ```
 */
export interface FileRequestOptions {
  /** Cancels the request; it rejects with `signal.reason`. */
  signal?: AbortSignal;
}

/**
 * `client.files`: files kept on Decart's side, to refer to by id (in realtime sessions) instead of
 * sending their bytes again. Each method's promise also has `.withResponse()`, with the response's
 * status, headers and request id.
 *
 * @example
 * ```ts
 * declare const client: import("@decart/core").DecartClient;
 * const file = await client.files.upload(new Blob([new Uint8Array([1, 2, 3])], { type: "image/png" }));
 * console.log((await client.files.get(file.id)).size_bytes);
 * await client.files.delete(file.id);
 * ```
 */
export interface FilesClient {
  /**
   * Uploads a file (`POST /v1/files`, multipart field `file`): anything a `process()` file field takes
   * (a Blob, File, bytes, a stream, a URL to download), streamed from disk for a `fileFromPath` Blob.
   *
   * @example
   * ```ts
   * import { createDecartClient } from "@decart/core";
   * import { fileFromPath } from "@decart/node";
   *
   * const client = createDecartClient({ apiKey: process.env.DECART_API_KEY });
   * const file = await client.files.upload(await fileFromPath("portrait.png"), { ttlSeconds: 3600 });
   * console.log(file.id, file.expires_at);
   * ```
   */
  upload(file: FileInput, options?: FileUploadOptions): APIPromise<FileReference>;
  /**
   * Reads a file's reference (`GET /v1/files/{id}`).
   *
   * @example
   * ```ts
   * declare const client: import("@decart/core").DecartClient;
   * const file = await client.files.get("file_abc123");
   * ```
   */
  get(id: string, options?: FileRequestOptions): APIPromise<FileReference>;
  /**
   * Deletes a file (`DELETE /v1/files/{id}`); resolves once the server confirmed it.
   *
   * @example
   * ```ts
   * declare const client: import("@decart/core").DecartClient;
   * await client.files.delete("file_abc123");
   * ```
   */
  delete(id: string, options?: FileRequestOptions): APIPromise<void>;
}

/** The longest `ttlSeconds` the API takes: 720 hours. */
const maxTtlSeconds = 2_592_000;

const invalid = (operation: string, field: string, clause: string) =>
  InvalidInputError.fromIssues(`client.files.${operation}`, [
    { field, message: `${field} must be ${clause}` },
  ]);

/** The path of file `id`, once `id` is a non-blank string. */
function filePath(operation: string, id: unknown): string {
  if (typeof id === "string" && id.trim() !== "") return resourceRoutes.file(id);
  throw invalid(operation, "id", "a file id, such as the id client.files.upload() resolved");
}

/** `client.files` of a client. */
export function createFiles(context: ClientContext): FilesClient {
  // Options that are not an object are taken as none (their types allow only objects).
  const call = <T>(
    operation: string,
    options: unknown,
    run: (signal: AbortSignal) => Promise<APIResponse<T>>,
  ) =>
    new APIPromise<T>(
      guardedCall(context, `files.${operation}`, (typeof options === "object" && options) || undefined, run),
    );
  return {
    upload: (file, options) =>
      call("upload", options, async (signal) => {
        const ttl = options?.ttlSeconds;
        const inRange = Number.isInteger(ttl) && (ttl as number) >= 60 && (ttl as number) <= maxTtlSeconds;
        if (ttl !== undefined && ttl !== "persistent" && !inRange) {
          throw invalid(
            "upload",
            "ttlSeconds",
            `a whole number of seconds from 60 to ${maxTtlSeconds} (30 days), or "persistent"`,
          );
        }
        const part = await resolveFileInput("file", file, {
          model: "client.files.upload",
          fetch: context.fetch,
          signal,
        });
        const body = uploadBody(context, { ttl_seconds: ttl }, new Map([["file", part]]));
        // Retried only where the server provably stored nothing (429, 503, a refused connection).
        return jsonCall(
          context,
          { method: "POST", path: resourceRoutes.files, ...body, retry: "write", signal },
          ["id"],
        );
      }),
    get: (id, options) =>
      call("get", options, (signal) =>
        jsonCall(context, { method: "GET", path: filePath("get", id), retry: "read", signal }, ["id"]),
      ),
    delete: (id, options) =>
      call("delete", options, async (signal) => {
        // Not retried: a delete that succeeded the first time would answer 404 when repeated.
        const response = await context.transport.send({
          method: "DELETE",
          path: filePath("delete", id),
          retry: "none",
          signal,
        });
        void response.body?.cancel().catch(() => undefined);
        return apiResponse(response, undefined);
      }),
  };
}
