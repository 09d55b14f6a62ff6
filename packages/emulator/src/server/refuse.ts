import type { IncomingMessage, ServerResponse } from "node:http";
import { ClientGoneError, HttpError, sendError } from "../http/index";

/** How much of an unread body a refusal reads and throws away before it answers. */
export interface DrainLimits {
  /** Bytes to discard at most; a client that sends more gets the answer and a closed connection. */
  readonly maxBytes: number;
  /** Time to spend at most. */
  readonly timeoutMs: number;
}

const isAbort = (error: unknown): boolean =>
  error instanceof Error && (error.name === "AbortError" || error instanceof ClientGoneError);

/**
 * Reads and discards what is left of a request's body, up to `limits`; resolves when the body is over,
 * the client is gone, or a limit is reached. Nothing is kept.
 */
export function discardBody(request: IncomingMessage, limits: DrainLimits): Promise<void> {
  if (request.complete || request.destroyed || request.readableEnded) return Promise.resolve();
  return new Promise((resolve) => {
    let discarded = 0;
    const done = () => {
      clearTimeout(timer);
      request.off("data", onData);
      request.off("end", done);
      request.off("close", done);
      request.off("error", done);
      request.pause();
      resolve();
    };
    const onData = (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > limits.maxBytes) done();
    };
    const timer = setTimeout(done, limits.timeoutMs);
    request.on("data", onData);
    request.on("end", done);
    request.on("close", done);
    request.on("error", done);
    request.resume();
  });
}

/**
 * Answers a request that failed with `error` as the wire's JSON error (a 503 when the work was aborted);
 * a response already under way is cut off instead. This is the one way every refusal is sent, early or
 * late: a body the client is still sending is read and discarded first (within `drain`), so the client,
 * still writing, is not cut off mid-send — an HTTP client that gets a reset while it writes often reports
 * a broken pipe instead of the answer. A body left unread past the limits gets `Connection: close`. A 408
 * answers at once: its body has stopped coming.
 */
export async function refuse(
  request: IncomingMessage,
  response: ServerResponse,
  error: unknown,
  extensions: boolean,
  drain: DrainLimits,
): Promise<void> {
  if (response.destroyed || response.headersSent) {
    if (!response.writableEnded) response.destroy();
    return;
  }
  const answer = isAbort(error)
    ? new HttpError(503, "CANCELLED", "The request was cancelled before it finished")
    : error;
  if (!(answer instanceof HttpError && answer.status === 408)) await discardBody(request, drain);
  if (!request.complete) response.setHeader("connection", "close");
  sendError(response, answer, extensions);
}
