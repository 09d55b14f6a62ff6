/**
 * The HTTP headers the protocol uses, lower-cased (as Node's `IncomingMessage.headers` and the Fetch
 * `Headers` spell them). `apiKey`, `requestId` and `retryAfter` are the real API's; `seed` and
 * `idempotencyKey` are extensions of this SDK's emulator (no official client sends `Idempotency-Key`, and
 * the real API is not known to honour it, so no retry may rely on it).
 *
 * @example
 * ```ts
 * import { headers } from "@decart/core/protocol";
 *
 * const request = new Request("https://api.decart.ai/v1/jobs/job_abc123", {
 *   headers: { [headers.apiKey]: "key" },
 * });
 * ```
 */
export const headers = {
  /** `x-api-key`: the API key. */
  apiKey: "x-api-key",
  /** `x-request-id`: the server's id for a request, quoted when reporting a problem. */
  requestId: "x-request-id",
  /** `x-decart-seed`: the seed the emulator used (extension). */
  seed: "x-decart-seed",
  /** `idempotency-key`: the same key returns the same job on the emulator (extension). */
  idempotencyKey: "idempotency-key",
  /** `retry-after`: how long to wait before asking again (seconds or an HTTP date). */
  retryAfter: "retry-after",
} as const;
