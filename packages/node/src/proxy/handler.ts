import { type RouteName, routes } from "@decart/core/protocol";
import { type AuditTrail, callHook, type ProxyForwardEvent, type ProxyRefusalEvent } from "./audit";
import {
  type AuthorizeSettings,
  decide,
  defaultClientAddress,
  type ProxyAuthorize,
  type ProxyContext,
  type ProxyIdentity,
} from "./authorize";
import { jobNotFound, limitResponse, proxyError, refusalCode } from "./errors";
import { countBytes, limitUpload, sendUpstream, toBrowserResponse } from "./forward";
import { createJobIdSealer, type JobIdSealer } from "./job-ids";
import { rewriteJobBody } from "./job-response";
import { createProxyLimiter, type ProxyLimiter, type ProxyLimits } from "./limits";
import { allowedByName, type ProxyModelPolicy, parseInputs, readLimited } from "./models";
import { matchProxyRoute } from "./routes";
import { resolveSecret } from "./secret";
import { upstreamSettings } from "./upstream";

/** Options of {@link createProxyHandler}. */
export interface ProxyOptions {
  /** The Decart API key, added to each forwarded request. @default process.env.DECART_API_KEY */
  apiKey?: string;
  /** Where requests are forwarded. @default "https://api.decart.ai" */
  baseUrl?: string;
  /**
   * Path the proxy is mounted under, such as `/api/decart`: a request must start with it and the rest
   * must be a Process API route. When omitted, whatever comes before `/v1/` is ignored.
   */
  mountPath?: string;
  /** Largest request body forwarded, in bytes; larger uploads get 413. @default 268435456 (256 MiB) */
  maxBodyBytes?: number;
  /**
   * The app's own check, run before anything is forwarded. Without it (and without `allowAnonymous`)
   * the proxy refuses every request with 403.
   */
  authorize?: ProxyAuthorize;
  /**
   * Forward requests nobody authorised, for local development: jobs and limits then follow the client's
   * address. Ignored when `authorize` is given. @default false
   */
  allowAnonymous?: boolean;
  /**
   * The key job ids are bound to their subject with (HMAC-SHA256): 32 characters or more, random, and the
   * same on every instance of the app. Required with `authorize`. With `allowAnonymous` (and no
   * `authorize`) it may be left out: the proxy then uses a random secret of this process and warns once
   * that several instances (or a restart) need a shared one.
   * @default process.env.DECART_PROXY_SECRET
   */
  secret?: string;
  /** Which models may be used: names, or a check over the model and its inputs. @default every model */
  models?: ProxyModelPolicy;
  /** Limits per subject: requests per window and jobs at once. */
  limits?: ProxyLimits;
  /**
   * The client's address, for anonymous limits and job binding. Behind a reverse proxy, read the header it
   * sets (and that it overwrites). @default `context.clientAddress`, else the Node socket's address
   */
  clientAddress?: (request: Request, context: ProxyContext) => string | undefined;
  /** Called after each forwarded request has been answered, for logs and metrics. Errors are ignored. */
  onForward?: (event: ProxyForwardEvent) => void | Promise<void>;
  /**
   * Called for each request the proxy answers itself instead of forwarding: refused by `authorize`, a
   * model not allowed, another subject's job, over a limit, too large, not a Process API route. For
   * audit logs and alerts; errors are ignored.
   */
  onRefuse?: (event: ProxyRefusalEvent) => void | Promise<void>;
  /** The fetch used to reach the API. @default globalThis.fetch */
  fetch?: typeof fetch;
}

/** A fetch-style proxy handler: takes the browser's `Request`, resolves the `Response` to send back. */
export type ProxyHandler = (request: Request, context?: ProxyContext) => Promise<Response>;

const defaultMaxBodyBytes = 256 * 1024 * 1024;

/** Everything a handler needs per request, fixed at creation. */
interface ProxyState {
  apiKey: string;
  baseUrl: string;
  mountPath: string | undefined;
  maxBodyBytes: number;
  fetch: typeof fetch;
  models: ProxyModelPolicy | undefined;
  authorization: AuthorizeSettings;
  sealer: JobIdSealer;
  limiter: ProxyLimiter;
  onForward: ProxyOptions["onForward"];
  onRefuse: ProxyOptions["onRefuse"];
}

/**
 * Creates the server side of `createDecartClient({ proxy: "/api/decart" })`: a browser app calls the
 * Process API through your server, which adds the API key, so the key never reaches the browser.
 *
 * Closed by default: without `authorize` (or `allowAnonymous: true` for local development) every request is
 * refused with 403 and the server logs why, once. It forwards only the Process API (`POST /v1/generate/:model`,
 * `POST /v1/jobs/:model`, `GET /v1/jobs/:id`, `GET /v1/jobs/:id/content`, `POST /v1/jobs/:id/cancel`), only
 * for the `models` you allow; job ids handed to the browser are bound to the subject that created them
 * (a job of someone else is a 404, on any instance sharing the `secret`); `limits` answer 429 with
 * `Retry-After`. Errors of the proxy itself have the API's body, `{"detail": "...", "code": "..."}`.
 * Bodies stream both ways byte for byte, browser credentials are dropped, upstream status and headers
 * (`x-request-id`, `retry-after`…) pass through, and the upstream request is aborted when the browser goes.
 *
 * The handler is fetch-style, so it serves Next.js route handlers, Hono, Bun, Deno and Workers directly;
 * wrap it with {@link toNodeHandler} for `node:http` or {@link toExpressMiddleware} for Express.
 *
 * @example
 * ```ts
 * // app/api/decart/[...path]/route.ts (Next.js)
 * import { createProxyHandler } from "@decart/node";
 *
 * declare function userIdFromSession(request: Request): Promise<string | undefined>;
 *
 * const proxy = createProxyHandler({
 *   mountPath: "/api/decart",
 *   secret: process.env.DECART_PROXY_SECRET,
 *   models: ["lucy-pro-t2i", "lucy-pro-i2v"],
 *   authorize: async (request) => {
 *     const userId = await userIdFromSession(request);
 *     return userId ? { subject: userId } : false;
 *   },
 *   limits: { requests: { points: 120, duration: 60 }, concurrentJobs: 2 },
 * });
 * export const GET = proxy;
 * export const POST = proxy;
 * ```
 */
export function createProxyHandler(options: ProxyOptions = {}): ProxyHandler {
  const state = createState(options);
  return async (request, context = {}) => {
    const trail: AuditTrail = { started: Date.now() };
    const response = await answer(state, request, context, trail);
    const code = refusalCode(response);
    if (code !== undefined) {
      callHook(
        state.onRefuse,
        (): ProxyRefusalEvent => ({
          subject: trail.subject,
          model: trail.model,
          route: trail.route,
          status: response.status,
          code,
          ms: Date.now() - trail.started,
        }),
      );
    }
    return response;
  };
}

async function answer(
  state: ProxyState,
  request: Request,
  context: ProxyContext,
  trail: AuditTrail,
): Promise<Response> {
  const match = matchProxyRoute(request.method, new URL(request.url).pathname, state.mountPath);
  if (match.kind === "not-found")
    return refuse(request, proxyError(404, "NOT_FOUND", "Not a Process API route"));
  if (match.kind === "wrong-method") {
    const allow = match.allow.join(", ");
    const message = `Use ${match.allow.join(" or ")} for this route`;
    return refuse(request, proxyError(405, "METHOD_NOT_ALLOWED", message, { allow }));
  }
  trail.route = match.route;
  trail.model = match.model;
  const identity = await decide(state.authorization, request, context);
  if (identity instanceof Response) return refuse(request, identity);
  trail.subject = identity.subject;
  const limited = await state.limiter.takeRequest(identity.scope);
  if (limited) return refuse(request, limitResponse(limited));
  const forward: Forward = { state, request, identity, trail, route: match.route };
  if (match.model !== undefined) return forwardGeneration(forward, match.model);
  return forwardJobRoute(forward, match.jobId ?? "");
}

function createState(options: ProxyOptions): ProxyState {
  const upstream = upstreamSettings(options, "The proxy");
  const anonymousOnly = options.authorize === undefined && options.allowAnonymous === true;
  const secret = resolveSecret({
    secret: options.secret,
    opensDoor: options.authorize !== undefined || options.allowAnonymous === true,
    anonymousOnly,
  });
  let warned = false;
  return {
    ...upstream,
    mountPath: options.mountPath?.replace(/\/+$/, ""),
    maxBodyBytes: options.maxBodyBytes ?? defaultMaxBodyBytes,
    models: options.models,
    authorization: {
      authorize: options.authorize,
      allowAnonymous: options.allowAnonymous === true,
      clientAddress: options.clientAddress ?? defaultClientAddress,
      service: "the Decart proxy",
      warnClosed: () => {
        if (warned) return;
        warned = true;
        console.warn(
          "Decart proxy: refusing every request because createProxyHandler was given no authorize; pass authorize, or allowAnonymous: true for local development",
        );
      },
    },
    sealer: createJobIdSealer(secret),
    limiter: createProxyLimiter(options.limits),
    onForward: options.onForward,
    onRefuse: options.onRefuse,
  };
}

/** One request on its way through the proxy. */
interface Forward {
  state: ProxyState;
  request: Request;
  identity: ProxyIdentity;
  trail: AuditTrail;
  route: RouteName;
}

async function forwardGeneration(forward: Forward, model: string): Promise<Response> {
  const { state, request, identity } = forward;
  if (!allowedByName(state.models, model)) return refuse(request, modelRefused(model));
  const declaredLength = Number(request.headers.get("content-length") ?? Number.NaN);
  if (declaredLength > state.maxBodyBytes) return refuse(request, tooLarge(state.maxBodyBytes));

  let body: ReadableStream<Uint8Array> | Uint8Array<ArrayBuffer> | null = null;
  let exceeded = () => false;
  if (typeof state.models === "function") {
    const bytes = await readLimited(request.body, state.maxBodyBytes);
    if (bytes === "too-large") return tooLarge(state.maxBodyBytes);
    const inputs = await parseInputs(bytes, request.headers.get("content-type"));
    if (!inputs) return proxyError(400, "INVALID_INPUT", "The request body is not a form the proxy can read");
    if (!(await state.models(model, inputs))) return modelRefused(model);
    body = bytes;
  } else if (request.body) {
    ({ body, exceeded } = limitUpload(request.body, state.maxBodyBytes));
  }

  const slot = await state.limiter.takeJob(identity.scope);
  if (slot) {
    if (body instanceof ReadableStream) void body.cancel().catch(() => {});
    return refuse(request, limitResponse(slot));
  }
  const upstream = await sendUpstream({
    url: `${state.baseUrl}${routes[forward.route](model)}`,
    method: "POST",
    incoming: request.headers,
    body,
    apiKey: state.apiKey,
    signal: request.signal,
    fetch: state.fetch,
    exceeded,
    tooLarge: () => tooLarge(state.maxBodyBytes),
  });
  if (forward.route === "generate" || !upstream.ok) {
    // A sync generation holds its slot until its bytes are out; a refused submit started no job.
    return streamBack(forward, upstream, model, () => void state.limiter.giveBackJob(identity.scope));
  }
  let job: Awaited<ReturnType<typeof rewriteJobBody>>;
  try {
    job = await rewriteJobBody(upstream, (jobId) => state.sealer.seal(jobId, identity.scope));
  } catch {
    await state.limiter.giveBackJob(identity.scope);
    return proxyError(502, "BAD_GATEWAY", "The Decart API's answer to the submit could not be read");
  }
  if (job.jobId === undefined || job.ended) await state.limiter.giveBackJob(identity.scope);
  return sendBack(forward, upstream, job.body, model);
}

async function forwardJobRoute(forward: Forward, scopedId: string): Promise<Response> {
  const { state, request, identity } = forward;
  const jobId = await state.sealer.open(scopedId, identity.scope);
  if (jobId === undefined) return jobNotFound();
  const upstream = await sendUpstream({
    url: `${state.baseUrl}${routes[forward.route](jobId)}`,
    method: request.method.toUpperCase(),
    incoming: request.headers,
    body: null,
    apiKey: state.apiKey,
    signal: request.signal,
    fetch: state.fetch,
    exceeded: () => false,
    tooLarge: () => tooLarge(state.maxBodyBytes),
  });
  // The slot is given back before the answer leaves, so the browser's next submission finds it free.
  const ended = () => state.limiter.jobEnded(identity.scope, jobId);
  if (upstream.status === 404) await ended();
  if (forward.route === "content") {
    if (upstream.ok) await ended();
    return streamBack(forward, upstream, undefined);
  }
  const job = await rewriteJobBody(upstream, (id) => state.sealer.seal(id, identity.scope));
  if (job.ended || (forward.route === "cancel" && upstream.ok)) await ended();
  return sendBack(forward, upstream, job.body, undefined);
}

/** The upstream response streamed to the browser, reported to `onForward` once its body has ended. */
function streamBack(
  forward: Forward,
  upstream: Response,
  model: string | undefined,
  onEnd: () => void = () => {},
): Response {
  const response = toBrowserResponse(upstream);
  if (!response.body) {
    onEnd();
    report(forward, model, response.status, 0);
    return response;
  }
  const body = countBytes(response.body, (bytes) => {
    onEnd();
    report(forward, model, response.status, bytes);
  });
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

function sendBack(
  forward: Forward,
  upstream: Response,
  body: Uint8Array<ArrayBuffer>,
  model: string | undefined,
) {
  const response = toBrowserResponse(upstream, body);
  report(forward, model, response.status, response.body ? body.byteLength : 0);
  return response;
}

function report(forward: Forward, model: string | undefined, status: number, bytes: number): void {
  callHook(
    forward.state.onForward,
    (): ProxyForwardEvent => ({
      subject: forward.identity.subject,
      model,
      route: forward.route,
      status,
      bytes,
      ms: Date.now() - forward.trail.started,
    }),
  );
}

/** A refusal, after letting go of the upload it will never read. */
function refuse(request: Request, response: Response): Response {
  if (request.body && !request.bodyUsed) void request.body.cancel().catch(() => {});
  return response;
}

function modelRefused(model: string): Response {
  return proxyError(403, "MODEL_NOT_ALLOWED", `The model ${model} is not allowed through this proxy`);
}

function tooLarge(maxBodyBytes: number): Response {
  return proxyError(
    413,
    "PAYLOAD_TOO_LARGE",
    `Request body is larger than the proxy's limit of ${maxBodyBytes} bytes`,
    { connection: "close" },
  );
}
