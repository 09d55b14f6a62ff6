import { type DecartErrorCode, DecartSDKError } from "@decart/core";
import { errorBody } from "@decart/core/protocol";
import type { LimitRefusal } from "./limits";

/**
 * A JSON error answered by the proxy itself, in the API's shape: `{"detail": "..."}` (FastAPI), with the
 * SDK's `code` beside it.
 */
export function proxyError(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Response {
  const response = new Response(JSON.stringify(errorBody({ message, code })), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
  codes.set(response, code);
  return response;
}

/**
 * The code of each answer the proxy made itself, for `onRefuse`. The API's answers are never in it: the
 * browser gets each one as a new `Response` (`toBrowserResponse`), a 502 the proxy made for it included.
 */
const codes = new WeakMap<Response, string>();

/** The `code` of an answer {@link proxyError} made, or `undefined` for any other response. */
export function refusalCode(response: Response): string | undefined {
  return codes.get(response);
}

/** The same 404 for a job that does not exist and a job of someone else: existence is not revealed. */
export function jobNotFound(): Response {
  return proxyError(404, "JOB_NOT_FOUND", "No job with that id");
}

/** A limiter's refusal as the browser gets it: 429 over a limit, 503 when the store failed, `Retry-After`. */
export function limitResponse(refusal: LimitRefusal): Response {
  const headers: Record<string, string> =
    refusal.retryAfter === undefined ? {} : { "retry-after": String(refusal.retryAfter) };
  return refusal.status === 429
    ? proxyError(429, "RATE_LIMITED", refusal.message, headers)
    : proxyError(503, "LIMITER_UNAVAILABLE", refusal.message, headers);
}

/**
 * {@link createProxyHandler} or {@link createTokenHandler} was given options it cannot run safely with,
 * such as `authorize` but no `secret` to bind job ids with, or an `expiresIn` over the API's hour.
 * Thrown when the handler is created, never per request.
 *
 * @example
 * ```ts
 * import { createProxyHandler, ProxyConfigurationError } from "@decart/node";
 *
 * try {
 *   createProxyHandler({ apiKey: "key", authorize: () => true });
 * } catch (error) {
 *   if (error instanceof ProxyConfigurationError) console.error(error.message); // names DECART_PROXY_SECRET
 * }
 * ```
 */
export class ProxyConfigurationError extends DecartSDKError {
  /** Always `"ProxyConfigurationError"`. */
  override name = "ProxyConfigurationError";
  /** The code of every instance: `PROXY_CONFIGURATION`. */
  static override defaultCode: DecartErrorCode = "PROXY_CONFIGURATION";
}
