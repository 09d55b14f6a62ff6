import type { ServerResponse } from "node:http";
import { errorBody } from "@decart/core/protocol";

/**
 * A request the server answers with a JSON error, FastAPI style: `{ "detail": message }`, plus the
 * extension field `code` unless the emulator runs strict. Thrown anywhere in request handling; the
 * handler turns it into the response.
 */
export class HttpError extends Error {
  override name = "HttpError";
  /** FastAPI's list form of `detail` (a validation failure), sent instead of the message when set. */
  readonly detailList: readonly object[] | undefined = undefined;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/** The answer to a path no route serves, in FastAPI's words (also the cancel route of a strict emulator). */
export const notFound = (): HttpError => new HttpError(404, "NOT_FOUND", "Not Found");

/** Sends a JSON body with the given status; a no-op when the response can no longer be written. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (response.headersSent || response.destroyed) {
    if (!response.writableEnded) response.destroy();
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, {
    ...headers,
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
  });
  response.end(text);
}

/** The JSON error body for `error`: an {@link HttpError}'s, or a 500's for anything else. */
export function errorResponse(
  error: unknown,
  extensions: boolean,
): { status: number; body: unknown; headers: Readonly<Record<string, string>> } {
  if (error instanceof HttpError) {
    const body = error.detailList
      ? { detail: error.detailList, ...(extensions ? { code: error.code } : {}) }
      : errorBody({ message: error.message, code: error.code }, { extensions });
    return { status: error.status, body, headers: error.headers };
  }
  const message = `The emulator failed: ${error instanceof Error ? error.message : String(error)}`;
  return { status: 500, body: errorBody({ message, code: "PROCESSING_ERROR" }, { extensions }), headers: {} };
}

/** Sends an {@link HttpError} (or a 500 for anything else) as the wire's JSON error. */
export function sendError(response: ServerResponse, error: unknown, extensions: boolean): void {
  const { status, body, headers } = errorResponse(error, extensions);
  sendJson(response, status, body, headers);
}
