import { type ClientToken, createDecartClient, DecartSDKError, RateLimitError } from "@decart/core";
import { proxyError, type UpstreamSettings } from "../proxy/index";
import type { TokenGrant } from "./policy";

/** A token as the page gets it: the key, its JWT when the API sent one, and its expiry. */
export type MintedToken = Pick<ClientToken, "apiKey" | "token" | "expiresAt">;

/** What one mint sends besides the grant. */
export interface MintRequest extends TokenGrant {
  metadata?: Record<string, unknown>;
  signal: AbortSignal;
}

/** Mints one token, or answers why not with the handler's own error (never the API's body, never the key). */
export type Minter = (request: MintRequest) => Promise<MintedToken | Response>;

/**
 * Mints with the core client's `tokens.create()` under the permanent key. A 429 is handed back at once
 * (the page waits for it, not the server); a refused connection or a 503 is retried once.
 */
export function createMinter(upstream: UpstreamSettings): Minter {
  const client = createDecartClient({
    apiKey: upstream.apiKey,
    baseUrl: upstream.baseUrl,
    fetch: upstream.fetch,
    timeout: 15_000,
    retry: { limit: 1, maxDelay: 1000, rateLimited: false },
  });
  return async (request) => {
    try {
      const { apiKey, token, expiresAt } = await client.tokens.create(request);
      return typeof token === "string" ? { apiKey, token, expiresAt } : { apiKey, expiresAt };
    } catch (error) {
      if (request.signal.aborted) return proxyError(499, "CLIENT_CLOSED", "The client went away");
      return failure(error);
    }
  };
}

/**
 * The API (or the way to it) failed. A 429 passes on with its `Retry-After`, as the handler's own limit
 * would; anything else is this server's problem (its key, its network), so the page gets a 502 or 504
 * that says what happened, never the API's body or the SDK's message.
 */
function failure(error: unknown): Response {
  if (error instanceof RateLimitError) {
    const wait = error.retryAfter === undefined ? 5 : Math.max(1, Math.ceil(error.retryAfter));
    const message = `The Decart API is rate limiting token requests; try again in ${wait} s`;
    return proxyError(429, "RATE_LIMITED", message, { "retry-after": String(wait) });
  }
  const code = error instanceof DecartSDKError ? error.code : undefined;
  if (code === "TIMEOUT") {
    return proxyError(504, "GATEWAY_TIMEOUT", "The Decart API did not answer the token request in time");
  }
  if (code === "UNREADABLE_RESPONSE") {
    return proxyError(502, "BAD_GATEWAY", "The Decart API's answer to the token request could not be read");
  }
  if (error instanceof DecartSDKError && error.status !== undefined) {
    return proxyError(502, "BAD_GATEWAY", `The Decart API did not mint a token (HTTP ${error.status})`);
  }
  return proxyError(502, "BAD_GATEWAY", "Could not reach the Decart API to mint a token");
}
