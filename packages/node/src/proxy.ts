import type { IncomingMessage, ServerResponse } from "node:http";
import { InvalidAPIKeyError, InvalidBaseURLError } from "@decart/core";

/** What a proxy adapter knows about the request besides the `Request` itself. */
export interface ProxyContext {
  /** The Node request, when the proxy runs behind {@link toNodeHandler} or {@link toExpressMiddleware}. */
  nodeRequest?: IncomingMessage;
  /** The Node response, when the proxy runs behind {@link toNodeHandler} or {@link toExpressMiddleware}. */
  nodeResponse?: ServerResponse;
}

/**
 * The app's own check before a request is forwarded: `true` lets it through, `false` answers 403, and a
 * `Response` is sent to the browser as is (a redirect to a login page, a 401 with your own body…).
 */
export type ProxyAuthorize = (
  request: Request,
  context: ProxyContext,
) => boolean | Response | Promise<boolean | Response>;

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
  /** The app's own authorisation check, run before anything is forwarded. */
  authorize?: ProxyAuthorize;
  /** The fetch used to reach the API. @default globalThis.fetch */
  fetch?: typeof fetch;
}

/** A fetch-style proxy handler: takes the browser's `Request`, resolves the `Response` to send back. */
export type ProxyHandler = (request: Request, context?: ProxyContext) => Promise<Response>;

const defaultMaxBodyBytes = 256 * 1024 * 1024;
const segment = /^[A-Za-z0-9_~-][A-Za-z0-9._~-]*$/;

/** Request and response headers that describe one connection, never forwarded (RFC 9110 §7.6.1). */
const hopByHop = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/** Browser headers that must not reach the API: credentials, cookies, and what fetch sets itself. */
const droppedRequestHeaders = new Set([
  "host",
  "x-api-key",
  "authorization",
  "cookie",
  "accept-encoding",
  "origin",
  "referer",
  "forwarded",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-real-ip",
]);

/**
 * Creates the server side of `createDecartClient({ proxy: "/api/decart" })`: a browser app calls the
 * Process API through your server, which adds the API key, so the key never reaches the browser.
 *
 * It forwards only the Process API (`POST /v1/generate/:model`, `POST /v1/jobs/:model`,
 * `GET /v1/jobs/:id`, `GET /v1/jobs/:id/content`, `POST /v1/jobs/:id/cancel`); anything else gets 404,
 * a wrong method 405, a refused `authorize` 403, an oversized body 413 — each with the API's JSON error
 * body `{ "error": { "code", "message" } }`. Bodies are streamed both ways byte for byte, any key or
 * `Authorization` the browser sent is dropped, hop-by-hop headers are stripped, the upstream status and
 * headers (`x-request-id`, `retry-after`, `x-decart-seed`…) pass through, and the upstream request is
 * aborted when the browser goes away (`request.signal`).
 *
 * The handler is fetch-style, so it serves Next.js route handlers, Hono, Bun and Deno directly; wrap it
 * with {@link toNodeHandler} for `node:http` or {@link toExpressMiddleware} for Express.
 *
 * @example
 * ```ts
 * // app/api/decart/[...path]/route.ts (Next.js)
 * import { createProxyHandler } from "@decart/node";
 *
 * const proxy = createProxyHandler({
 *   mountPath: "/api/decart",
 *   authorize: (request) => request.headers.get("cookie")?.includes("session=") ?? false,
 * });
 * export const GET = proxy;
 * export const POST = proxy;
 * ```
 */
export function createProxyHandler(options: ProxyOptions = {}): ProxyHandler {
  const apiKey = options.apiKey ?? (typeof process !== "undefined" ? process.env.DECART_API_KEY : undefined);
  if (apiKey === undefined || apiKey.trim() === "") {
    throw new InvalidAPIKeyError("The proxy needs an API key: pass apiKey or set DECART_API_KEY");
  }
  const baseUrl = parseBaseUrl(options.baseUrl ?? "https://api.decart.ai");
  const mountPath = options.mountPath?.replace(/\/+$/, "");
  const maxBodyBytes = options.maxBodyBytes ?? defaultMaxBodyBytes;
  const fetchImplementation = options.fetch ?? globalThis.fetch;

  return async (request, context = {}) => {
    const route = matchRoute(request.method, new URL(request.url).pathname, mountPath);
    if (route.kind === "not-found") {
      return errorResponse(404, "NOT_FOUND", "Not a Process API route");
    }
    if (route.kind === "wrong-method") {
      return errorResponse(405, "METHOD_NOT_ALLOWED", `Use ${route.allow.join(" or ")} for this route`, {
        allow: route.allow.join(", "),
      });
    }
    if (options.authorize) {
      const verdict = await options.authorize(request, context);
      if (verdict instanceof Response) return verdict;
      if (verdict !== true) return errorResponse(403, "FORBIDDEN", "Not allowed to use the Decart proxy");
    }

    const declaredLength = Number(request.headers.get("content-length") ?? Number.NaN);
    if (declaredLength > maxBodyBytes) {
      await request.body?.cancel().catch(() => {});
      return tooLarge(maxBodyBytes);
    }

    const headers = forwardedRequestHeaders(request.headers);
    headers.set("x-api-key", apiKey);
    // Ask for the bytes as stored: fetch would otherwise decompress them behind our back.
    headers.set("accept-encoding", "identity");

    let exceeded = false;
    let body: ReadableStream<Uint8Array> | null = null;
    if (request.method === "POST" && request.body) {
      let received = 0;
      body = request.body.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            received += chunk.byteLength;
            if (received > maxBodyBytes) {
              exceeded = true;
              controller.error(new RangeError(`Request body is larger than ${maxBodyBytes} bytes`));
            } else {
              controller.enqueue(chunk);
            }
          },
        }),
      );
    }

    let upstream: Response;
    try {
      upstream = await fetchImplementation(`${baseUrl.href.replace(/\/+$/, "")}${route.path}`, {
        method: request.method,
        headers,
        body,
        signal: request.signal,
        redirect: "manual",
        ...(body ? { duplex: "half" } : {}),
      } as RequestInit);
    } catch (error) {
      if (exceeded) return tooLarge(maxBodyBytes);
      if (request.signal.aborted) return errorResponse(499, "CLIENT_CLOSED", "The client went away");
      return errorResponse(502, "BAD_GATEWAY", `Could not reach the Decart API: ${(error as Error).message}`);
    }

    const responseHeaders = new Headers();
    const decoded = (upstream.headers.get("content-encoding") ?? "identity") !== "identity";
    upstream.headers.forEach((value, name) => {
      if (hopByHop.has(name) || name === "set-cookie") return;
      // When the server ignored `identity`, fetch already decoded the body: its length and encoding changed.
      if (decoded && (name === "content-encoding" || name === "content-length")) return;
      responseHeaders.append(name, value);
    });
    const nullBody = [101, 204, 205, 304].includes(upstream.status);
    if (nullBody) await upstream.body?.cancel().catch(() => {});
    return new Response(nullBody ? null : upstream.body, {
      status: upstream.status,
      statusText: upstream.statusText,
      headers: responseHeaders,
    });
  };
}

type RouteMatch =
  | { kind: "ok"; path: string }
  | { kind: "not-found" }
  | { kind: "wrong-method"; allow: readonly string[] };

function matchRoute(method: string, pathname: string, mountPath: string | undefined): RouteMatch {
  let rest: string;
  if (mountPath !== undefined) {
    if (!pathname.startsWith(`${mountPath}/`)) return { kind: "not-found" };
    rest = pathname.slice(mountPath.length);
  } else {
    const start = pathname.indexOf("/v1/");
    if (start === -1) return { kind: "not-found" };
    rest = pathname.slice(start);
  }
  const parts = rest.split("/").slice(1);
  if (parts[0] !== "v1" || parts.slice(2).some((part) => !segment.test(part))) return { kind: "not-found" };
  const allowed = allowedMethods(parts);
  if (allowed === undefined) return { kind: "not-found" };
  if (!allowed.includes(method.toUpperCase())) return { kind: "wrong-method", allow: allowed };
  return { kind: "ok", path: `/${parts.join("/")}` };
}

function allowedMethods(parts: readonly string[]): readonly string[] | undefined {
  const [, area, id, action] = parts;
  if (parts.length === 3 && area === "generate") return ["POST"];
  if (parts.length === 3 && area === "jobs") return ["GET", "POST"];
  if (parts.length === 4 && area === "jobs" && id !== undefined && action === "content") return ["GET"];
  if (parts.length === 4 && area === "jobs" && id !== undefined && action === "cancel") return ["POST"];
  return undefined;
}

function forwardedRequestHeaders(incoming: Headers): Headers {
  const listedInConnection = new Set(
    (incoming.get("connection") ?? "")
      .split(",")
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
  );
  const headers = new Headers();
  incoming.forEach((value, name) => {
    if (hopByHop.has(name) || droppedRequestHeaders.has(name) || listedInConnection.has(name)) return;
    if (name.startsWith("sec-") || name.startsWith("proxy-")) return;
    headers.append(name, value);
  });
  return headers;
}

function parseBaseUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch (error) {
    throw new InvalidBaseURLError(`The proxy's baseUrl is not a URL: ${value}`, { cause: error });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new InvalidBaseURLError(`The proxy's baseUrl must be an http(s) URL: ${value}`);
  }
  return url;
}

function tooLarge(maxBodyBytes: number): Response {
  return errorResponse(
    413,
    "PAYLOAD_TOO_LARGE",
    `Request body is larger than the proxy's limit of ${maxBodyBytes} bytes`,
    {
      connection: "close",
    },
  );
}

function errorResponse(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify({ error: { code, message } }), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}
