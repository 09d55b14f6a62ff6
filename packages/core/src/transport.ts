import ky, { type Hooks, isHTTPError, isNetworkError, isTimeoutError } from "ky";
import {
  DecartSDKError,
  InvalidAPIKeyError,
  InvalidBaseURLError,
  InvalidInputError,
  ModelNotFoundError,
  ProcessingError,
  RateLimitError,
  TimeoutError,
} from "./errors";
import { type AttemptClock, now } from "./plugins";
import type { RetryPolicy, RetryTable } from "./retry";

/** Everything the transport needs from the client's options, resolved once. */
export interface TransportConfig {
  /** Absolute origin + path prefix without a trailing slash, or a root-relative proxy path. */
  base: string;
  /** `X-API-KEY` (unless a proxy is used) and `User-Agent`. */
  headers: Readonly<Record<string, string>>;
  /** Per-attempt timeout in milliseconds, or `false`. */
  timeout: number | false;
  retry: RetryTable;
  fetch: typeof globalThis.fetch | undefined;
  hooks: Hooks;
}

/** One HTTP exchange the client makes. */
export interface TransportCall {
  method: "GET" | "POST";
  /** Path below the base URL, starting with `/`. */
  path: string;
  /** Builds the body; called again for every attempt so no attempt reuses (or clones) a consumed stream. */
  body?: () => BodyInit;
  headers?: Record<string, string>;
  retry: RetryPolicy;
  signal?: AbortSignal | undefined;
  /** Overrides the per-attempt timeout. */
  timeout?: number;
  /** The model the path belongs to: a 404 then means `ModelNotFoundError`, a 4xx names the model. */
  model?: string;
}

/** Sends requests with ky: timeouts, retries, plugin hooks, and error mapping to SDK errors. */
export interface Transport {
  /** Sends the call and returns the successful response. Rejects with an SDK error or the signal's reason. */
  send(call: TransportCall): Promise<Response>;
  /** Sends the call and reads a JSON body. */
  json<T>(call: TransportCall): Promise<T>;
  /** Sends the call and reads the body as a Blob typed as the server said. */
  blob(call: TransportCall): Promise<Blob>;
  /** Reads the JSON body of a response from `send`. */
  readJson(response: Response, path: string, signal: AbortSignal | undefined): Promise<unknown>;
}

type RequestInitWithDuplex = RequestInit & { duplex?: "half"; window?: null };

export function createTransport(config: TransportConfig): Transport {
  // Options are passed whole to `ky` on each call rather than merged into a `ky.create()` instance:
  // one merge per call instead of two.
  const hooks = Object.keys(config.hooks).length > 0 ? config.hooks : undefined;
  const absolute = /^https?:\/\//i.test(config.base);

  function urlFor(path: string): string {
    if (absolute) return config.base + path;
    const page = (globalThis as { location?: { href?: string } }).location?.href;
    if (!page) {
      throw new InvalidBaseURLError(
        `The proxy path "${config.base}" is relative and there is no page URL to resolve it against; pass an absolute proxy URL outside a browser`,
      );
    }
    return new URL(config.base + path, page).href;
  }

  function start(call: TransportCall) {
    const clock: AttemptClock = { startedAt: 0 };
    const body = call.body;
    const fetchImpl = config.fetch;
    // ky builds the Request without a body, so its per-attempt `clone()` copies no bytes; the body is
    // attached here, fresh for each attempt. `redirect: "error"` and `window: null` let undici stream
    // the body instead of cloning (and so buffering) the request before sending it.
    // ky always calls fetch with the Request it built.
    const attempt = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const request = input as Request;
      clock.startedAt = now();
      const send = fetchImpl ?? globalThis.fetch;
      if (!body) return send(request, init);
      const withBody: RequestInitWithDuplex = {
        method: request.method,
        headers: request.headers,
        body: body(),
        signal: request.signal,
        redirect: "error",
        window: null,
        duplex: "half",
      };
      return send(request.url, withBody);
    };
    const headers = call.headers ? { ...config.headers, ...call.headers } : config.headers;
    return ky(urlFor(call.path), {
      method: call.method,
      headers,
      signal: call.signal,
      retry: config.retry[call.retry],
      timeout: call.timeout ?? config.timeout,
      fetch: attempt,
      context: { clock },
      hooks,
    });
  }

  async function guard<T>(call: TransportCall, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (call.signal?.aborted) throw call.signal.reason;
      throw await toSDKError(error, call);
    }
  }

  return {
    send: (call) => guard(call, () => start(call)),
    json: <T>(call: TransportCall) => guard(call, () => start(call).json<T>()),
    blob: (call) => guard(call, () => start(call).blob()),
    readJson: (response, path, signal) =>
      guard({ method: "GET", path, retry: "none", signal }, () => response.json() as Promise<unknown>),
  };
}

/** Reads a `Retry-After` header as seconds (delta or HTTP date). */
export function parseRetryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** Pulls a readable message and a code out of whatever the server sent: JSON, text, HTML or nothing. */
export function describeErrorBody(data: unknown): { message: string | undefined; code: string | undefined } {
  if (data === undefined || data === null || data === "") return { message: undefined, code: undefined };
  if (typeof data === "string") return { message: summarizeText(data), code: undefined };
  if (typeof data !== "object") return { message: String(data), code: undefined };
  const record = data as Record<string, unknown>;
  const inner = record.error;
  if (inner && typeof inner === "object") {
    const details = inner as Record<string, unknown>;
    return {
      message: typeof details.message === "string" ? details.message : undefined,
      code: typeof details.code === "string" ? details.code : undefined,
    };
  }
  const message = [inner, record.message, record.detail].find((value) => typeof value === "string") as
    | string
    | undefined;
  return { message, code: typeof record.code === "string" ? record.code : undefined };
}

function summarizeText(text: string): string | undefined {
  let summary = text;
  if (/<(!doctype|html|body|head|title)\b/i.test(text)) {
    const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(text)?.[1];
    summary =
      title ??
      text.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/gi, " ").replace(/<[^>]+>/g, " ");
  }
  summary = summary.replace(/\s+/g, " ").trim();
  if (summary === "") return undefined;
  return summary.length > 300 ? `${summary.slice(0, 297)}...` : summary;
}

/** Maps ky's errors (and anything else) to the SDK's error classes. */
async function toSDKError(error: unknown, call: TransportCall): Promise<Error> {
  if (error instanceof DecartSDKError) return error;
  if (isHTTPError(error)) {
    const { response } = error;
    const { message, code } = describeErrorBody(error.data);
    return errorForStatus(response.status, message, {
      code,
      requestId: response.headers.get("x-request-id") ?? undefined,
      retryAfter: parseRetryAfter(response.headers.get("retry-after")),
      cause: error,
      call,
    });
  }
  if (isTimeoutError(error)) {
    return new TimeoutError(`${call.method} ${call.path} got no response within the request timeout`, {
      cause: error,
      retryable: true,
    });
  }
  if (isNetworkError(error)) {
    return new ProcessingError(
      `${call.method} ${call.path} failed before a response arrived: ${describeCause(error)}`,
      {
        code: "NETWORK_ERROR",
        retryable: true,
        cause: error,
      },
    );
  }
  if (error instanceof SyntaxError || error instanceof TypeError) {
    return new ProcessingError(
      `The response to ${call.method} ${call.path} could not be read: ${error.message}`,
      {
        code: "UNREADABLE_RESPONSE",
        cause: error,
      },
    );
  }
  const text = error instanceof Error ? error.message : String(error);
  return new DecartSDKError(`${call.method} ${call.path} failed: ${text}`, { cause: error });
}

function describeCause(error: Error): string {
  const cause = error.cause as { cause?: { code?: string; message?: string }; message?: string } | undefined;
  return cause?.cause?.code ?? cause?.cause?.message ?? cause?.message ?? error.message;
}

interface StatusDetails {
  code: string | undefined;
  requestId: string | undefined;
  retryAfter: number | undefined;
  cause: unknown;
  call: Pick<TransportCall, "method" | "path" | "model">;
}

/** Picks the error class for an HTTP status (SPEC 3.4). */
export function errorForStatus(
  status: number,
  serverMessage: string | undefined,
  details: StatusDetails,
): DecartSDKError {
  const { call, requestId, cause, retryAfter } = details;
  const base = { status, requestId, cause, ...(details.code ? { code: details.code } : {}) };
  const said = serverMessage ? `: ${serverMessage}` : "";
  const where = `${call.method} ${call.path}`;
  if (status === 401 || status === 403) {
    return new InvalidAPIKeyError(
      `The server rejected the API key (HTTP ${status})${said}. Check the apiKey option or DECART_API_KEY`,
      base,
    );
  }
  if (status === 400 || status === 413 || status === 422) {
    const subject = call.model ?? where;
    return new InvalidInputError(
      `Invalid inputs for ${subject}: ${serverMessage ?? (status === 413 ? "the upload is too large" : `rejected with HTTP ${status}`)}`,
      base,
    );
  }
  if (status === 404 && call.model) {
    return new ModelNotFoundError(`Model ${call.model} was not found on the server (HTTP 404)${said}`, base);
  }
  if (status === 429) {
    const wait = retryAfter === undefined ? "" : `; retry after ${retryAfter} s`;
    return new RateLimitError(`Rate limited by the server (HTTP 429)${said}${wait}`, { ...base, retryAfter });
  }
  return new ProcessingError(`${where} failed with HTTP ${status}${said}`, base);
}
