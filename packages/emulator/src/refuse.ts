import type { IncomingMessage, ServerResponse } from "node:http";
import { HttpError, sendError } from "./http-error";
import { ClientGoneError } from "./multipart";

const isAbort = (error: unknown): boolean =>
  error instanceof Error && (error.name === "AbortError" || error instanceof ClientGoneError);

/**
 * Answers a request that failed with `error` as the wire's JSON error (a 503 when the work was aborted);
 * a response already under way is cut off instead.
 */
export function refuse(
  request: IncomingMessage,
  response: ServerResponse,
  error: unknown,
  extensions: boolean,
): void {
  if (response.destroyed || response.headersSent) {
    if (!response.writableEnded) response.destroy();
    return;
  }
  if (!request.complete) response.setHeader("connection", "close");
  sendError(
    response,
    isAbort(error) ? new HttpError(503, "CANCELLED", "The request was cancelled before it finished") : error,
    extensions,
  );
  finishBody(request);
}

/**
 * After an early error the rest of the body may still be arriving. Ask the client to close and
 * discard a bounded amount of it so the client can read the answer; past that, drop the connection.
 */
function finishBody(request: IncomingMessage): void {
  if (request.complete || request.destroyed) return;
  let discarded = 0;
  const limit = 8 * 1024 * 1024;
  const timer = setTimeout(() => request.destroy(), 2_000);
  timer.unref();
  request.on("data", (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > limit) request.destroy();
  });
  request.on("end", () => clearTimeout(timer));
  request.on("close", () => clearTimeout(timer));
  request.resume();
}
