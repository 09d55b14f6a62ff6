import type { IncomingMessage, ServerResponse } from "node:http";

/** The response headers a page may read: the request id, a 429's wait and our seed header. */
const exposedHeaders = "x-request-id, retry-after, x-decart-seed";

/** Whether a page on `origin` may call the emulator under `allowed` (`"*"` allows every origin). */
function allows(allowed: readonly string[], origin: string): boolean {
  return allowed.includes("*") || allowed.includes(origin);
}

/**
 * Adds the CORS headers for a page's request, and answers a preflight (`OPTIONS` with
 * `Access-Control-Request-Method`) at once: returns true when the request has been answered. A request
 * without an `Origin`, or from an origin not allowed, gets no CORS headers (its browser refuses it).
 */
export function applyCors(
  request: IncomingMessage,
  response: ServerResponse,
  allowed: readonly string[],
): boolean {
  const origin = request.headers.origin;
  const preflight =
    request.method === "OPTIONS" && request.headers["access-control-request-method"] !== undefined;
  if (origin === undefined || !allows(allowed, origin)) return false;
  response.setHeader("access-control-allow-origin", origin);
  response.setHeader("vary", "Origin");
  if (!preflight) {
    response.setHeader("access-control-expose-headers", exposedHeaders);
    return false;
  }
  response.setHeader("access-control-allow-methods", "GET, POST, DELETE, OPTIONS");
  const requested = request.headers["access-control-request-headers"];
  response.setHeader("access-control-allow-headers", requested ?? "x-api-key, content-type, idempotency-key");
  response.setHeader("access-control-max-age", "600");
  response.statusCode = 204;
  response.end();
  return true;
}
