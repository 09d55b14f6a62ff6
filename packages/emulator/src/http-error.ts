import type { ServerResponse } from "node:http";

/**
 * A request the server answers with a JSON error: `{ "error": { "code", "message" } }`.
 * Thrown anywhere in request handling; the handler turns it into the response.
 */
export class HttpError extends Error {
  override name = "HttpError";

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

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
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
  });
  response.end(text);
}

/** Sends an {@link HttpError} (or a 500 for anything else) as the wire's JSON error. */
export function sendError(response: ServerResponse, error: unknown): void {
  if (error instanceof HttpError) {
    sendJson(response, error.status, { error: { code: error.code, message: error.message } }, error.headers);
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  sendJson(response, 500, {
    error: { code: "PROCESSING_ERROR", message: `The emulator failed: ${message}` },
  });
}
