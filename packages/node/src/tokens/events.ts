/**
 * One token the handler minted, as its `onMint` option reports it: who got it and what it allows. Never
 * the permanent key, never the token itself.
 *
 * @example
 * ```ts
 * import type { TokenMintEvent } from "@decart/node";
 *
 * const onMint = ({ subject, allowedModels, expiresIn }: TokenMintEvent) =>
 *   console.log(`token for ${subject ?? "anonymous"}: ${allowedModels?.join(", ") ?? "every model"}, ${expiresIn} s`);
 * ```
 */
export interface TokenMintEvent {
  /** The subject `authorize` named; `undefined` for an anonymous caller. */
  subject: string | undefined;
  /** The models the token allows; `undefined` for every model. */
  allowedModels: string[] | undefined;
  /** The token's life asked of the API, in seconds, after the handler's cap. */
  expiresIn: number;
  /** When the token expires, as the API said (ISO 8601). */
  expiresAt: string;
  /** Milliseconds from the request's arrival to the answer. */
  ms: number;
}

/**
 * One request the token handler turned away, as its `onRefuse` option reports it. Never the key, never
 * the request's headers.
 *
 * @example
 * ```ts
 * import type { TokenRefusalEvent } from "@decart/node";
 *
 * const onRefuse = ({ subject, status, code }: TokenRefusalEvent) => {
 *   if (code === "MODEL_NOT_ALLOWED") console.warn(`${subject} asked for a model beyond their tokens (${status})`);
 * };
 * ```
 */
export interface TokenRefusalEvent {
  /** The subject `authorize` named, once it had; `undefined` before that and for anonymous callers. */
  subject: string | undefined;
  /** The status the page got: 400, 401, 403, 405, 429, 502… */
  status: number;
  /** The `code` of the answer's body: `UNAUTHENTICATED`, `MODEL_NOT_ALLOWED`, `RATE_LIMITED`… */
  code: string;
  /** Milliseconds from the request's arrival to the refusal. */
  ms: number;
}
