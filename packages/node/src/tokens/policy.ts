import { ProxyConfigurationError } from "../proxy/index";
import { maxListLength, type TokenRequest } from "./token-request";

/** The most a token from this handler may carry, fixed when the handler is created. */
export interface TokenPolicy {
  /** The models a page may ask for; `undefined` for every model. */
  allowedModels: readonly string[] | undefined;
  /** The longest life in seconds, and what a page gets when it asks for none. */
  expiresIn: number;
  /** The origins every token is bound to; `undefined` for any. */
  allowedOrigins: readonly string[] | undefined;
}

/** What one token is minted with. */
export interface TokenGrant {
  allowedModels?: string[];
  expiresIn: number;
  allowedOrigins?: string[];
}

/** The API's longest token life: one hour. */
const maxExpiresIn = 3600;
/** The API's own default life. */
const defaultExpiresIn = 60;

/** Checks the handler's options against what the API takes; a wrong one throws at creation. */
export function tokenPolicy(options: {
  allowedModels?: readonly string[] | undefined;
  expiresIn?: number | undefined;
  allowedOrigins?: readonly string[] | undefined;
}): TokenPolicy {
  const expiresIn = options.expiresIn ?? defaultExpiresIn;
  if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > maxExpiresIn) {
    throw new ProxyConfigurationError(
      `The token handler's expiresIn must be a whole number of seconds from 1 to ${maxExpiresIn}, not ${expiresIn}`,
    );
  }
  const allowedModels = checkList(
    options.allowedModels,
    "allowedModels",
    "model name",
    (model) => model !== "",
  );
  const allowedOrigins = checkList(
    options.allowedOrigins,
    "allowedOrigins",
    "an origin (scheme://host[:port], nothing after it)",
    isOrigin,
  );
  return { allowedModels, expiresIn, allowedOrigins };
}

/**
 * The token a page's request gets: its models if the policy has every one of them (else the first it
 * lacks, for a 403), the policy's otherwise; its life, capped by the policy's.
 */
export function narrow(policy: TokenPolicy, asked: TokenRequest): TokenGrant | { refusedModel: string } {
  const refusedModel = asked.allowedModels?.find((model) => policy.allowedModels?.includes(model) === false);
  if (refusedModel !== undefined) return { refusedModel };
  const allowedModels = asked.allowedModels ?? policy.allowedModels;
  const grant: TokenGrant = { expiresIn: Math.min(asked.expiresIn ?? policy.expiresIn, policy.expiresIn) };
  if (allowedModels) grant.allowedModels = [...allowedModels];
  if (policy.allowedOrigins) grant.allowedOrigins = [...policy.allowedOrigins];
  return grant;
}

function checkList(
  list: readonly string[] | undefined,
  name: string,
  what: string,
  valid: (entry: string) => boolean,
): readonly string[] | undefined {
  if (list === undefined) return undefined;
  // An empty list could read as "no restriction" upstream: leaving the option out says that plainly.
  if (!Array.isArray(list) || list.length === 0 || list.length > maxListLength) {
    throw new ProxyConfigurationError(
      `The token handler's ${name} must list 1 to ${maxListLength} entries (leave it out for no restriction)`,
    );
  }
  const wrong = list.find((entry) => typeof entry !== "string" || !valid(entry));
  if (wrong !== undefined) {
    throw new ProxyConfigurationError(
      `The token handler's ${name} has ${JSON.stringify(wrong)}, not ${what}`,
    );
  }
  return Object.freeze([...new Set(list)]);
}

/** A full origin, `scheme://host[:port]` with nothing after it, as the `Origin` header spells it. */
function isOrigin(entry: string): boolean {
  try {
    const url = new URL(entry);
    return (url.protocol === "http:" || url.protocol === "https:") && url.origin === entry;
  } catch {
    return false;
  }
}
