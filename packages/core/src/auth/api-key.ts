/**
 * What an {@link ApiKeyProvider} returns: a key, or a key with its expiry (an ISO 8601 string, a `Date`
 * or epoch milliseconds), such as the `{ apiKey, expiresAt }` of `client.tokens.create()`. A key without
 * an expiry is kept until the server rejects it.
 *
 * @example
 * ```ts
 * import type { ApiKeyGrant } from "@decart/core";
 *
 * const grant: ApiKeyGrant = { apiKey: "ek_abc123", expiresAt: "2025-01-01T12:01:00Z" };
 * ```
 */
export type ApiKeyGrant =
  | string
  | {
      /** The key to send, such as a client token's `ek_…`. */
      apiKey: string;
      /** When the key expires: an ISO 8601 string, a `Date` or epoch milliseconds. */
      expiresAt?: string | Date | number;
    };

/**
 * A function the client asks for its key, as `apiKey`: typically one that fetches a fresh client token
 * from your server. The client calls it on its first request, keeps the key until shortly before its
 * `expiresAt`, shares one call between requests that need a key at the same time, and after a 401 asks
 * it once more and repeats the request. If it throws, the call rejects with an `InvalidAPIKeyError`
 * (code `API_KEY_PROVIDER_FAILED`) whose `cause` is what it threw.
 *
 * @example
 * ```ts
 * import { createDecartClient, type ApiKeyProvider } from "@decart/core";
 *
 * const getToken: ApiKeyProvider = async () => {
 *   const response = await fetch("/api/decart-token", { method: "POST" });
 *   return (await response.json()) as { apiKey: string; expiresAt: string };
 * };
 * const client = createDecartClient({ apiKey: getToken });
 * ```
 */
export type ApiKeyProvider = () => ApiKeyGrant | Promise<ApiKeyGrant>;

/**
 * True for a client token (`ek_…`): a short-lived key minted with `client.tokens.create()` on your
 * server, which a page may hold (no `dangerouslyAllowBrowser` needed).
 *
 * @example
 * ```ts
 * import { isClientToken } from "@decart/core";
 *
 * isClientToken("ek_abc123"); // true
 * isClientToken("dk_live_abc"); // false
 * ```
 */
export function isClientToken(key: string): boolean {
  return typeof key === "string" && key.startsWith("ek_");
}

/**
 * Where `text` holds a character no HTTP header can carry (beyond Latin-1, or a control character
 * other than tab): the wording of the refusal, else `undefined`. A key pasted with a typographic quote
 * or a line break would otherwise fail inside fetch, before anything is sent, as an unexplained error.
 */
export function unsendable(text: string, what: string): string | undefined {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code > 0xff || code === 0x7f || (code < 0x20 && code !== 0x09)) {
      const shown = code < 0x20 || code === 0x7f ? "" : ` "${text[index]}"`;
      const point = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
      return `${what} cannot be sent in an HTTP header: character ${index + 1}${shown} (${point}) is not allowed`;
    }
  }
  return undefined;
}
