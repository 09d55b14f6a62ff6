import type { Hooks, Options } from "ky";
import { withCrossOriginHint } from "./browser";
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
import { uploadRedirectMode } from "./fetch-redirect";
import { type CallState, now } from "./plugins";
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

/** What the fetch adapter needs per call; ky hands it over as the `decart` option. */
interface TransportState extends CallState {
  call: TransportCall;
  timeout: number | false;
  /** The current attempt's timer: it runs until the response body has been read. */
  timer: ReturnType<typeof setTimeout> | undefined;
  /** The current attempt's controller, aborted by the timer or the caller's signal. */
  controller: AbortController | undefined;
  /** The previous attempt's response, whose unread body is released when ky retries. */
  response: Response | undefined;
}

const readBody = (response: Response) => response;

type Ky = typeof import("ky");
let kyModule: Ky | undefined;
let kyLoading: Promise<Ky> | undefined;

/**
 * ky is imported when a client is created, not with the SDK: on import it feature-tests request streams
 * by building a `Request`, which in Node loads all of undici (~40 ms of a cold start). Node's first
 * `fetch` pays that anyway; a script that only imports the SDK, or a CLI printing its help, does not.
 * In a browser app that code-splits, the chunk loads while the page waits for its first request.
 */
function loadKy(): Promise<Ky> {
  kyLoading ??= import("ky").then(
    (module) => {
      kyModule = module;
      return module;
    },
    (error: unknown) => {
      kyLoading = undefined; // a failed chunk load is tried again by the next request
      throw error;
    },
  );
  return kyLoading;
}

export function createTransport(config: TransportConfig): Transport {
  if (!kyModule) loadKy().catch(() => undefined);
  // Options are passed whole to `ky` on each call rather than merged into a `ky.create()` instance:
  // one merge per call instead of two.
  const hooks = Object.keys(config.hooks).length > 0 ? config.hooks : undefined;
  const absolute = /^https?:\/\//i.test(config.base);
  const fetchImpl = withCrossOriginHint(config.fetch ?? ((input, init) => globalThis.fetch(input, init)));

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

  // ky builds the Request without a body, so its per-attempt `clone()` copies no bytes; the body is
  // attached here, fresh for each attempt. `redirect: "error"` and `window: null` let undici stream
  // the body instead of cloning (and so buffering) the request before sending it; workerd, which
  // refuses "error", gets "manual".
  //
  // The per-attempt timeout lives here rather than in ky's `timeout`: ky 1 never retries a timed-out
  // attempt and stops timing once headers arrive, while SPEC 3.3 retries timeouts of reads and job
  // submissions and the body download deserves the same bound. The timer aborts the attempt with an
  // SDK `TimeoutError`, which fetch and the body read then reject with.
  async function attempt(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const request = input as Request;
    const state = (init as { decart: TransportState }).decart;
    const { call, timeout } = state;
    void state.response?.body?.cancel().catch(() => undefined);
    state.response = undefined;
    state.retryCount = state.attempts++;
    state.startedAt = now();
    let signal = request.signal;
    if (timeout !== false) {
      clearTimeout(state.timer);
      const controller = new AbortController();
      state.controller = controller;
      state.timer = setTimeout(() => {
        controller.abort(
          new TimeoutError(
            `${call.method} ${call.path} did not finish within the ${timeout} ms request timeout`,
            {
              retryable: true,
            },
          ),
        );
      }, timeout);
      // The attempt's signal follows the Request's (the caller's abort), without `AbortSignal.any`'s
      // cost. With no caller's signal and no plugin to swap the Request, that one never aborts (ky's
      // own timeout is off), so there is nothing to follow.
      if (request.signal.aborted) controller.abort(request.signal.reason);
      else if (call.signal || hooks?.beforeRequest) {
        request.signal.addEventListener("abort", () => controller.abort(request.signal.reason), {
          once: true,
        });
      }
      signal = controller.signal;
    }
    const body = call.body;
    try {
      const withBody: RequestInitWithDuplex | undefined = body && {
        method: request.method,
        headers: request.headers,
        body: body(),
        signal,
        redirect: uploadRedirectMode(),
        window: null,
        duplex: "half",
      };
      const response = await fetchImpl(withBody ? request.url : request, withBody ?? { signal });
      state.response = response;
      state.retryable = true; // an error status is retried if ky's rule lists it
      return response;
    } catch (error) {
      const timedOut = error instanceof TimeoutError;
      state.retryable = config.retry[call.retry].withoutResponse && !request.signal.aborted;
      state.failure = timedOut
        ? error
        : new ProcessingError(
            `${call.method} ${call.path} failed before a response arrived: ${describeCause(error)}`,
            {
              code: "NETWORK_ERROR",
              retryable: true,
              cause: error,
            },
          );
      throw state.failure;
    }
  }

  async function run<T>(call: TransportCall, read: (response: Response) => T | Promise<T>): Promise<T> {
    const rule = config.retry[call.retry];
    const state: TransportState = {
      call,
      timeout: call.timeout ?? config.timeout,
      startedAt: now(),
      retryCount: 0,
      retryable: false,
      failure: undefined,
      timer: undefined,
      controller: undefined,
      response: undefined,
      attempts: 0,
    };
    try {
      const { default: ky } = kyModule ?? (await loadKy());
      const response = await ky(urlFor(call.path), {
        method: call.method,
        headers: call.headers ? { ...config.headers, ...call.headers } : config.headers,
        signal: call.signal,
        timeout: false,
        retry:
          rule.ky.limit === 0
            ? rule.ky
            : {
                ...rule.ky,
                // ky calls this for every failure it would retry, except an HTTP status answered with
                // `Retry-After`. Throwing stops the retries: the failure was marked final above.
                delay: (count) => {
                  if (!state.retryable) throw state.failure;
                  return rule.backoff(count);
                },
              },
        fetch: attempt,
        hooks,
        decart: state,
      } as Options & { decart: TransportState });
      return await read(response);
    } catch (error) {
      if (call.signal?.aborted) throw call.signal.reason;
      throw await toSDKError(error, call);
    } finally {
      clearTimeout(state.timer);
    }
  }

  return {
    send: (call) => run(call, readBody),
    json: <T>(call: TransportCall) => run(call, (response) => response.json() as Promise<T>),
    blob: (call) => run(call, (response) => response.blob()),
    readJson: async (response, path, signal) => {
      try {
        return (await response.json()) as unknown;
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        throw await toSDKError(error, { method: "GET", path, retry: "none" });
      }
    },
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
  if (kyModule && error instanceof kyModule.HTTPError) {
    const { response } = error;
    const { message, code } = describeErrorBody(await readErrorBody(response));
    return errorForStatus(response.status, message, {
      code,
      requestId: response.headers.get("x-request-id") ?? undefined,
      retryAfter: parseRetryAfter(response.headers.get("retry-after")),
      cause: error,
      call,
    });
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

/** An error response's body: parsed JSON when it is JSON, else its text; never throws. */
async function readErrorBody(response: Response): Promise<unknown> {
  const text = await response.text().catch(() => "");
  if (/json/i.test(response.headers.get("content-type") ?? "")) {
    try {
      return JSON.parse(text);
    } catch {
      // A truncated or malformed JSON body is summarised as text.
    }
  }
  return text;
}

function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
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
