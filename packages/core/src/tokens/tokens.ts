import { type ClientContext, guardedCall, jsonCall } from "../jobs/index";
import { resourceRoutes } from "../protocol/index";
import { APIPromise } from "../response/index";
import { tokenRequestBody } from "./token-options";

/**
 * Limits on how a client token may be used.
 *
 * @example
 * ```ts
 * import type { TokenConstraints } from "@decart/core";
 *
 * const constraints: TokenConstraints = { realtime: { maxSessionDuration: 120 } };
 * ```
 */
export interface TokenConstraints {
  /** Limits on realtime sessions opened with the token. */
  realtime?: {
    /** The longest a realtime session may last, in seconds. */
    maxSessionDuration?: number;
  };
}

/**
 * Options for `client.tokens.create()`. Each is checked against the API's limits before anything is
 * sent; a value outside them is an `InvalidInputError` naming the field.
 *
 * @example
 * ```ts
 * import type { CreateTokenOptions } from "@decart/core";
 *
 * const options: CreateTokenOptions = {
 *   expiresIn: 300,
 *   allowedModels: ["lucy-pro-t2i"],
 *   allowedOrigins: ["https://example.com"],
 *   metadata: { userId: "user_42" },
 * };
 * ```
 */
export interface CreateTokenOptions {
  /** Your own key-value pairs, kept with the token (who it was minted for, say). */
  metadata?: Record<string, unknown>;
  /**
   * Seconds until the token expires: a whole number from 1 to 3600.
   * @default 60 (the server's default)
   */
  expiresIn?: number;
  /** The only models the token may run, at most 20. By default any model the key may run. */
  allowedModels?: string[];
  /**
   * The only web origins the token may be used from, at most 20, each a full origin such as
   * `https://example.com` (scheme and host, no path): the server matches it against the `Origin` header
   * verbatim.
   */
  allowedOrigins?: string[];
  /** Limits on how the token may be used. */
  constraints?: TokenConstraints;
  /** Cancels the request; it rejects with `signal.reason`. Not sent. */
  signal?: AbortSignal;
}

/**
 * A client token: a short-lived key (`apiKey`, `ek_…`) that a page may hold and send as its API key,
 * in place of your permanent key. Fields the API adds later pass through as it sends them.
 *
 * @example
 * ```ts
 * import { createDecartClient, type ClientToken } from "@decart/core";
 *
 * const server = createDecartClient({ apiKey: process.env.DECART_API_KEY });
 * const token: ClientToken = await server.tokens.create({ expiresIn: 300 });
 * // Hand token.apiKey and token.expiresAt to the page, which calls:
 * const page = createDecartClient({ apiKey: token.apiKey });
 * ```
 */
export interface ClientToken {
  /** The key to send (`ek_…`), exactly like an API key. */
  apiKey: string;
  /** A signed JWT mirroring `apiKey`, verifiable offline with Decart's public JWKS. */
  token?: string;
  /** When the token expires (ISO 8601). */
  expiresAt: string;
  /** The models and origins the token is limited to, when any were asked for. */
  permissions?: {
    /** The models it may run. */
    models?: string[];
    /** The origins it may be used from. */
    origins?: string[];
  } | null;
  /** The constraints the token carries, when any were asked for. */
  constraints?: TokenConstraints | null;
}

/**
 * `client.tokens`: client tokens, minted on your server with your permanent key and handed to a page.
 *
 * @example
 * ```ts
 * declare const client: import("@decart/core").DecartClient;
 * const token = await client.tokens.create({ expiresIn: 120, allowedModels: ["lucy-pro-t2i"] });
 * ```
 */
export interface TokensClient {
  /**
   * Mints a client token (`POST /v1/client/tokens`): a short-lived key a page may use as its `apiKey`
   * (no `dangerouslyAllowBrowser` needed), limited to what the options allow. Call it on your server,
   * with your permanent key. `.withResponse()` gives the same token with the response's status,
   * headers and request id.
   *
   * @example
   * ```ts
   * import { createDecartClient } from "@decart/core";
   *
   * const client = createDecartClient({ apiKey: process.env.DECART_API_KEY });
   * const { apiKey, expiresAt } = await client.tokens.create({
   *   expiresIn: 300,
   *   allowedModels: ["lucy-pro-t2i"],
   *   allowedOrigins: ["https://example.com"],
   * });
   * const { data, requestId } = await client.tokens.create().withResponse();
   * ```
   */
  create(options?: CreateTokenOptions): APIPromise<ClientToken>;
}

/** `client.tokens` of a client. */
export function createTokens(context: ClientContext): TokensClient {
  return {
    create: (options) =>
      new APIPromise(
        // Anything but an options object is left to tokenRequestBody, whose error says what the call takes.
        guardedCall(
          context,
          "tokens.create",
          (typeof options === "object" && options) || undefined,
          (signal) => {
            const body = tokenRequestBody(options);
            return jsonCall<ClientToken>(
              context,
              {
                method: "POST",
                path: resourceRoutes.clientTokens,
                body: () => body,
                headers: { "content-type": "application/json" },
                // Retried only where the server provably minted nothing (429, 503, a refused connection).
                retry: "write",
                signal,
              },
              ["apiKey", "expiresAt"],
            );
          },
        ),
      ),
  };
}
