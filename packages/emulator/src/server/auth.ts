import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { headers as protocolHeaders } from "@decart/core/protocol";
import { HttpError } from "../http/index";
import {
  assertModelAllowed,
  assertOriginAllowed,
  type ClientKey,
  type ClientKeys,
  permanentKeyRequired,
} from "../tokens/index";
import type { ResolvedRoute } from "./resolve-route";

const digest = (value: string): Buffer => createHash("sha256").update(value, "utf8").digest();

/**
 * Returns a check of the `X-API-KEY` header against `apiKey` that takes the same time whatever the
 * header holds: both sides are hashed to equal-length digests before a constant-time comparison.
 */
export function createKeyCheck(apiKey: string): (header: string | string[] | undefined) => boolean {
  const expected = digest(apiKey);
  return (header) => {
    const given = typeof header === "string" ? header : "";
    // Always compare, even for a missing header, so the timing does not tell the two apart.
    const equal = timingSafeEqual(digest(given), expected);
    return equal && given.length > 0;
  };
}

/** Who sent a request: the holder of the permanent key, or of a client (`ek_`) key. */
export type Caller = { readonly kind: "permanent" } | { readonly kind: "client"; readonly key: ClientKey };

const wrongKey = () =>
  new HttpError(401, "INVALID_API_KEY", "Missing or wrong API key; send it in the X-API-KEY header");

/**
 * Returns the authentication of a request's headers: the permanent key (checked in constant time), else a
 * client key this emulator minted and that has not expired. Throws the 401 `INVALID_API_KEY` for anything
 * else, and `TOKEN_EXPIRED` for an expired client key.
 */
export function createAuthenticator(
  apiKey: string,
  clientKeys: ClientKeys,
): (headers: IncomingHttpHeaders) => Caller {
  const isPermanent = createKeyCheck(apiKey);
  return (headers) => {
    const header = headers[protocolHeaders.apiKey];
    if (isPermanent(header)) return { kind: "permanent" };
    const key = typeof header === "string" ? clientKeys.find(header) : undefined;
    if (key) return { kind: "client", key };
    throw wrongKey();
  };
}

/** What {@link authorize} needs to know about the request besides its route. */
export interface AuthorizeContext {
  /** The request's `Origin` header, when it sent one. */
  readonly origin: string | undefined;
  /** The model of job `jobId` (throwing its 404 for an unknown one). */
  readonly modelOfJob: (jobId: string) => string;
}

/**
 * Checks a client key's scope for `route` (a permanent key may do anything): the request's `Origin`, when
 * sent, must be one the key allows; a route naming a model (generate, submit), or a job of a model (status,
 * content, cancel), must use one it allows; and only the permanent key mints client tokens. Each refusal is
 * a 403 with a `detail`.
 */
export function authorize(caller: Caller, route: ResolvedRoute, context: AuthorizeContext): void {
  if (caller.kind === "permanent") return;
  const { key } = caller;
  assertOriginAllowed(key, context.origin);
  switch (route.route) {
    case "createToken":
      throw permanentKeyRequired();
    case "generate":
    case "submit":
      assertModelAllowed(key, route.model ?? "");
      return;
    case "status":
    case "content":
    case "cancel":
      if (key.allowedModels) assertModelAllowed(key, context.modelOfJob(route.jobId ?? ""));
      return;
  }
}
