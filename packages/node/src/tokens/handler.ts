import {
  type AuthorizeSettings,
  callHook,
  createProxyLimiter,
  decide,
  defaultClientAddress,
  limitResponse,
  type ProxyAuthorize,
  type ProxyContext,
  type ProxyLimiter,
  proxyError,
  refusalCode,
  upstreamSettings,
} from "../proxy/index";
import type { TokenMintEvent, TokenRefusalEvent } from "./events";
import { createMinter, type MintedToken, type Minter } from "./mint";
import { narrow, type TokenPolicy, tokenPolicy } from "./policy";
import { readTokenRequest } from "./token-request";

/**
 * How many tokens one caller may mint, counted like the proxy's limits (`rate-limiter-flexible`, in
 * memory or in Redis): per subject, or per client address for anonymous callers. Over it the page gets
 * 429 with `Retry-After`; a failing Redis answers 503.
 *
 * @example
 * ```ts
 * import type { TokenRateLimit } from "@decart/node";
 *
 * const rateLimit: TokenRateLimit = { points: 10, duration: 60 }; // 10 tokens a minute per user
 * ```
 */
export interface TokenRateLimit {
  /** Tokens one caller may mint per `duration` seconds. @default 30 */
  points?: number;
  /** Length of the window, in seconds. @default 60 */
  duration?: number;
  /**
   * A connected Redis client (`ioredis`, or `redis` v4+), shared by every instance of the app.
   * @default counts kept in this process's memory
   */
  redis?: object;
  /** Prefix of the limiter keys. @default "decart-tokens" */
  keyPrefix?: string;
}

/**
 * Options of {@link createTokenHandler}.
 *
 * @example
 * ```ts
 * import type { TokenHandlerOptions } from "@decart/node";
 *
 * const options: TokenHandlerOptions = {
 *   allowedModels: ["lucy-pro-t2i"],
 *   expiresIn: 300,
 *   authorize: (request) => (request.headers.has("cookie") ? { subject: "user-1" } : false),
 * };
 * ```
 */
export interface TokenHandlerOptions {
  /** The permanent Decart API key tokens are minted with; it never leaves the server. @default process.env.DECART_API_KEY */
  apiKey?: string;
  /** Where tokens are minted. @default "https://api.decart.ai" */
  baseUrl?: string;
  /**
   * The app's own check, the same function as the proxy's: `{ subject: userId }` mints a token for that
   * user, `false` answers 403, a `Response` is sent as is, and `true` (a caller with no identity) mints
   * only with `allowAnonymous`. Without it (and without `allowAnonymous`) every request is refused with 401.
   */
  authorize?: ProxyAuthorize;
  /**
   * Mint for callers with no subject (no `authorize`, or `authorize` returning `true`), limited per
   * client address: for local development. @default false
   */
  allowAnonymous?: boolean;
  /**
   * The most a token may allow: a page may ask for some of these models, never for another (403 naming
   * it). Up to 20 names. @default every model
   */
  allowedModels?: string[];
  /**
   * A token's life in seconds, 1 to 3600: what a page gets when it asks for none, and the most it gets
   * when it asks for more. @default 60
   */
  expiresIn?: number;
  /**
   * The origins every token works from (up to 20, such as `https://app.example.com`, matched against the
   * `Origin` header by the API). A page cannot change them. @default any origin
   */
  allowedOrigins?: string[];
  /**
   * Metadata stored with each token at Decart, such as the user it was minted for. A function is called
   * per token with the caller's subject.
   */
  metadata?:
    | Record<string, unknown>
    | ((caller: { subject: string | undefined; request: Request }) => Record<string, unknown> | undefined);
  /** How many tokens one caller may mint; `false` for no limit. @default { points: 30, duration: 60 } */
  rateLimit?: TokenRateLimit | false;
  /**
   * The client's address, for anonymous limits. @default `context.clientAddress`, else the Node socket's
   * address
   */
  clientAddress?: (request: Request, context: ProxyContext) => string | undefined;
  /** Called after each token minted, for audit logs. Errors are ignored. */
  onMint?: (event: TokenMintEvent) => void | Promise<void>;
  /** Called for each request refused (by `authorize`, a limit, a bad body, the API). Errors are ignored. */
  onRefuse?: (event: TokenRefusalEvent) => void | Promise<void>;
  /** The fetch used to reach the API. @default globalThis.fetch */
  fetch?: typeof fetch;
}

/**
 * A fetch-style token route: takes the page's `POST`, resolves the `Response` with its token. Serve it
 * directly (Next.js, Hono, Bun, Deno, Workers) or through {@link toNodeHandler} / {@link toExpressMiddleware}.
 *
 * @example
 * ```ts
 * import { createTokenHandler, type TokenHandler } from "@decart/node";
 *
 * const tokens: TokenHandler = createTokenHandler({ authorize: () => ({ subject: "user-1" }) });
 * const response = await tokens(new Request("http://localhost/api/decart-token", { method: "POST" }));
 * ```
 */
export type TokenHandler = (request: Request, context?: ProxyContext) => Promise<Response>;

interface TokenState {
  policy: TokenPolicy;
  authorization: AuthorizeSettings;
  allowAnonymous: boolean;
  /** Warns, once each, of a handler that can mint for nobody, or of `true` answered without `allowAnonymous`. */
  warn: (why: "no-authorize" | "no-subject") => void;
  limiter: ProxyLimiter;
  mint: Minter;
  metadata: TokenHandlerOptions["metadata"];
  onMint: TokenHandlerOptions["onMint"];
  onRefuse: TokenHandlerOptions["onRefuse"];
}

/** What the handler has learnt of one request, for its audit events. */
interface Trail {
  readonly started: number;
  subject?: string | undefined;
}

const noStore = { "cache-control": "no-store", pragma: "no-cache" };

/**
 * Creates the server route that mints short-lived client tokens (`ek_…`) for a page, which then calls the
 * Decart API directly with `createDecartClient({ apiKey: async () => … })` or `<DecartProvider tokenUrl>`.
 *
 * Closed by default like {@link createProxyHandler}: without `authorize` (or `allowAnonymous: true` for
 * local development) every request is refused with 401, and the server logs why, once. It answers only
 * `POST` (405 otherwise). The page may send `{ allowedModels?, expiresIn? }` to narrow its token: a model
 * outside `allowedModels` is a 403 naming it, a longer life is capped at `expiresIn`, anything else in the
 * body is a 400 saying what is wrong. Each caller may mint `rateLimit` tokens a window (429 with
 * `Retry-After`). The answer is `{ apiKey, expiresAt }` (and `token`, the signed JWT, when the API sent
 * one), never cached; the permanent key appears in no answer and no log.
 *
 * @example
 * ```ts
 * // app/api/decart-token/route.ts (Next.js)
 * import { createTokenHandler } from "@decart/node";
 *
 * declare function userIdFromSession(request: Request): Promise<string | undefined>;
 *
 * export const POST = createTokenHandler({
 *   allowedModels: ["lucy-pro-t2i", "lucy-pro-i2v"],
 *   expiresIn: 300,
 *   allowedOrigins: ["https://app.example.com"],
 *   authorize: async (request) => {
 *     const userId = await userIdFromSession(request);
 *     return userId ? { subject: userId } : false;
 *   },
 * });
 * ```
 */
export function createTokenHandler(options: TokenHandlerOptions = {}): TokenHandler {
  const state = createState(options);
  return async (request, context = {}) => {
    const trail: Trail = { started: Date.now() };
    const response = await answer(state, request, context, trail);
    const code = refusalCode(response);
    if (code !== undefined) {
      for (const [name, value] of Object.entries(noStore)) response.headers.set(name, value);
      callHook(
        state.onRefuse,
        (): TokenRefusalEvent => ({
          subject: trail.subject,
          status: response.status,
          code,
          ms: Date.now() - trail.started,
        }),
      );
    }
    return response;
  };
}

async function answer(state: TokenState, request: Request, context: ProxyContext, trail: Trail) {
  if (request.method.toUpperCase() !== "POST") {
    return refuse(
      request,
      proxyError(405, "METHOD_NOT_ALLOWED", "Use POST to get a token", { allow: "POST" }),
    );
  }
  const identity = await decide(state.authorization, request, context);
  if (identity instanceof Response) return refuse(request, identity);
  trail.subject = identity.subject;
  if (identity.subject === undefined && !state.allowAnonymous) return refuse(request, anonymous(state));
  const limited = await state.limiter.takeRequest(identity.scope);
  if (limited) return refuse(request, limitResponse(limited));

  const asked = await readTokenRequest(request, bodyParsedBefore(context));
  if (typeof asked === "string") return proxyError(400, "INVALID_INPUT", asked);
  const grant = narrow(state.policy, asked);
  if ("refusedModel" in grant) {
    const message = `The model ${grant.refusedModel} is not allowed in tokens from this server`;
    return proxyError(403, "MODEL_NOT_ALLOWED", message);
  }
  let metadata: Record<string, unknown> | undefined;
  try {
    metadata =
      typeof state.metadata === "function"
        ? state.metadata({ subject: identity.subject, request })
        : state.metadata;
  } catch {
    return proxyError(500, "METADATA_FAILED", "The token endpoint's metadata function failed");
  }
  if (
    metadata !== undefined &&
    (typeof metadata !== "object" || metadata === null || Array.isArray(metadata))
  ) {
    // This server's configuration, not the API: said as such rather than as a failed mint.
    return proxyError(500, "METADATA_FAILED", "The token endpoint's metadata must be an object");
  }
  const minted = await state.mint({ ...grant, ...(metadata ? { metadata } : {}), signal: request.signal });
  if (minted instanceof Response) return minted;
  callHook(
    state.onMint,
    (): TokenMintEvent => ({
      subject: identity.subject,
      allowedModels: grant.allowedModels,
      expiresIn: grant.expiresIn,
      expiresAt: minted.expiresAt,
      ms: Date.now() - trail.started,
    }),
  );
  return tokenResponse(minted);
}

function createState(options: TokenHandlerOptions): TokenState {
  const upstream = upstreamSettings(options, "The token handler");
  const policy = tokenPolicy(options);
  const warned = new Set<string>();
  return {
    policy,
    // `decide` lets every caller through as an identity; whether one with no subject may mint is ours.
    authorization: {
      authorize: options.authorize,
      allowAnonymous: true,
      clientAddress: options.clientAddress ?? defaultClientAddress,
      service: "this token endpoint",
      warnClosed: () => {},
    },
    allowAnonymous: options.allowAnonymous === true,
    warn: (why) => {
      if (warned.has(why)) return;
      warned.add(why);
      console.warn(
        why === "no-authorize"
          ? "Decart token handler: refusing every request because createTokenHandler was given no authorize; pass authorize, or allowAnonymous: true for local development"
          : "Decart token handler: authorize returned true, naming no subject; tokens are minted for { subject } only, unless allowAnonymous: true",
      );
    },
    limiter: tokenLimiter(options.rateLimit),
    mint: createMinter(upstream),
    metadata: options.metadata,
    onMint: options.onMint,
    onRefuse: options.onRefuse,
  };
}

/** The proxy's limiter, counting only requests: one per token asked for. */
function tokenLimiter(rateLimit: TokenRateLimit | false = {}): ProxyLimiter {
  if (rateLimit === false) return createProxyLimiter({ requests: false, concurrentJobs: false });
  return createProxyLimiter({
    requests: { points: rateLimit.points ?? 30, duration: rateLimit.duration ?? 60 },
    concurrentJobs: false,
    redis: rateLimit.redis,
    keyPrefix: rateLimit.keyPrefix ?? "decart-tokens",
  });
}

function anonymous(state: TokenState): Response {
  const configured = state.authorization.authorize !== undefined;
  state.warn(configured ? "no-subject" : "no-authorize");
  return configured
    ? proxyError(
        401,
        "UNAUTHENTICATED",
        "Sign in to get a token: this endpoint mints tokens for signed-in users only",
      )
    : proxyError(
        401,
        "TOKENS_NOT_CONFIGURED",
        "This token endpoint refuses every request: the server must pass authorize to createTokenHandler, or allowAnonymous: true for local development",
      );
}

/** The `body` a parser that ran first (Express's `express.json()`) left on the Node request, if any. */
function bodyParsedBefore(context: ProxyContext): unknown {
  return (context.nodeRequest as { body?: unknown } | undefined)?.body;
}

function tokenResponse(minted: MintedToken): Response {
  const body: MintedToken = { apiKey: minted.apiKey, expiresAt: minted.expiresAt };
  if (minted.token !== undefined) body.token = minted.token;
  return new Response(JSON.stringify(body), {
    status: 200,
    headers: { "content-type": "application/json", ...noStore },
  });
}

/** A refusal, after letting go of the body it will never read. */
function refuse(request: Request, response: Response): Response {
  if (request.body && !request.bodyUsed) void request.body.cancel().catch(() => {});
  return response;
}
