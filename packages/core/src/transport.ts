import type { Hooks, Options } from "ky";
import { withCrossOriginHint } from "./browser";
import { markCallbackFailure } from "./callback-failure";
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
import { loadedKy, loadKy } from "./ky-loader";
import { type CallState, now } from "./plugins";
import { clauseFor, type ErrorBodyInfo, readErrorBody } from "./protocol/errors-body";
import { headers as protocolHeaders } from "./protocol/headers";
import type { FailurePhase, RetryPolicy, RetryTable } from "./retry";
import { startTimer, type Timer } from "./timer";

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
  /**
   * Sends the call and reads the successful response's body within the attempt, so a failure while
   * reading it (a reset, a truncation, the timeout) is retried like any other when the rule allows.
   * The returned response's body is in memory.
   */
  read(call: TransportCall): Promise<Response>;
  /** Sends the call and reads a JSON body. */
  json<T>(call: TransportCall): Promise<T>;
  /**
   * Sends the call and reads the body as a Blob typed as the server said; `onResponse` sees the
   * successful response (its headers) before the Blob is returned.
   */
  blob(call: TransportCall, onResponse?: (response: Response) => void): Promise<Blob>;
  /** Reads the JSON body of a response from `send` or `read`. */
  readJson(response: Response, path: string, signal: AbortSignal | undefined): Promise<unknown>;
}

type RequestInitWithDuplex = RequestInit & { duplex?: "half"; window?: null };

/** What the fetch adapter needs per call; ky hands it over as the `decart` option. */
interface TransportState extends CallState {
  call: TransportCall;
  /** Whether the attempt reads the body of a successful response before it returns. */
  buffered: boolean;
  timeout: number | false;
  /** The current attempt's timer: it runs until the response body has been read. */
  timer: Timer | undefined;
  /** The current attempt's controller, aborted by the timer or the caller's signal. */
  controller: AbortController | undefined;
  /** The previous attempt's response, whose unread body is released when ky retries. */
  response: Response | undefined;
  /** The body the current attempt read (a buffered call), so a Blob result is not copied again. */
  body: Blob | undefined;
}

const readBody = (response: Response) => response;

/** What a call makes of its successful response; `body` is the Blob already read when there is one. */
type ReadResponse<T> = (response: Response, body: Blob | undefined) => T | Promise<T>;

export function createTransport(config: TransportConfig): Transport {
  if (!loadedKy()) loadKy().catch(() => undefined);
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
        `The proxy path "${config.base}" is relative and there is no page URL to resolve it against: pass an absolute proxy URL`,
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
  // attempt and stops timing once headers arrive, while SPEC 3.3 retries timeouts of reads and the
  // body download deserves the same bound. The timer aborts the attempt with an SDK `TimeoutError`,
  // which fetch and the body read then reject with.
  //
  // Reads (`read`, `json`, `blob`) take the body in here too, inside ky's retry loop: ky retries what
  // its fetch rejects with, so a reset or a truncation mid-download is retried like a lost connection
  // (ky 1 has no hook to retry after a response was returned).
  async function attempt(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const request = input as Request;
    const state = (init as { decart: TransportState }).decart;
    const { call, timeout } = state;
    void state.response?.body?.cancel().catch(() => undefined);
    state.response = undefined;
    state.body = undefined;
    state.retryCount = state.attempts++;
    state.startedAt = now();
    let signal = request.signal;
    if (timeout !== false) {
      state.timer?.clear();
      const controller = new AbortController();
      state.controller = controller;
      state.timer = startTimer(() => {
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
    let phase: FailurePhase = "request";
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
      let response = await fetchImpl(withBody ? request.url : request, withBody ?? { signal });
      if (state.buffered && response.ok && !hasNoBody(response)) {
        phase = "body";
        state.body = await response.blob();
        response = new Response(state.body, {
          status: response.status,
          statusText: response.statusText,
          headers: response.headers,
        });
      }
      state.response = response;
      state.retryable = true; // an error status is retried if ky's rule lists it
      return response;
    } catch (error) {
      state.retryable = config.retry[call.retry].retriesFailure(error, phase) && !request.signal.aborted;
      state.failure = error instanceof TimeoutError ? error : networkError(call, phase, error);
      throw state.failure;
    }
  }

  async function run<T>(call: TransportCall, buffered: boolean, read: ReadResponse<T>): Promise<T> {
    const rule = config.retry[call.retry];
    const state: TransportState = {
      call,
      buffered,
      timeout: call.timeout ?? config.timeout,
      startedAt: now(),
      retryCount: 0,
      retryable: false,
      failure: undefined,
      timer: undefined,
      controller: undefined,
      response: undefined,
      body: undefined,
      attempts: 0,
    };
    try {
      const { default: ky } = loadedKy() ?? (await loadKy());
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
      // A plugin's `afterResponse` may have replaced the response; then its own body is read.
      return await read(response, response === state.response ? state.body : undefined);
    } catch (error) {
      if (call.signal?.aborted) throw call.signal.reason;
      if (state.hookFailed) throw hookError(error, call);
      throw await toSDKError(error, call);
    } finally {
      state.timer?.clear();
    }
  }

  return {
    send: (call) => run(call, false, readBody),
    read: (call) => run(call, true, readBody),
    json: <T>(call: TransportCall) => run(call, true, (response) => response.json() as Promise<T>),
    blob: (call, onResponse) =>
      run(call, true, (response, body) => {
        onResponse?.(response);
        return body ?? response.blob();
      }),
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

/** The SDK error for a plugin hook that threw, marked as the caller's failure rather than the server's. */
function hookError(error: unknown, call: TransportCall): DecartSDKError {
  const text = error instanceof Error ? error.message : String(error);
  const failure = new DecartSDKError(`${call.method} ${call.path} failed in a plugin hook: ${text}`, {
    cause: error,
  });
  markCallbackFailure(failure);
  return failure;
}

/** Reads a `Retry-After` header as seconds (delta or HTTP date). */
export function parseRetryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** True for a response with no body to read; a Response with these statuses cannot be built with one. */
function hasNoBody(response: Response): boolean {
  return response.body === null || [204, 205, 304].includes(response.status);
}

/** The SDK error for an attempt that failed without a complete response. */
function networkError(call: TransportCall, phase: FailurePhase, error: unknown): ProcessingError {
  const when = phase === "request" ? "before a response arrived" : "while its response was read";
  return new ProcessingError(`${call.method} ${call.path} failed ${when}: ${describeCause(error)}`, {
    code: "NETWORK_ERROR",
    retryable: true,
    cause: error,
  });
}

/** Maps ky's errors (and anything else) to the SDK's error classes. */
async function toSDKError(error: unknown, call: TransportCall): Promise<Error> {
  if (error instanceof DecartSDKError) return error;
  const kyModule = loadedKy();
  if (kyModule && error instanceof kyModule.HTTPError) {
    const { response } = error;
    const text = await response.text().catch(() => "");
    return errorForStatus(response.status, readErrorBody(text, response.headers.get("content-type")), {
      requestId: response.headers.get(protocolHeaders.requestId) ?? undefined,
      retryAfter: parseRetryAfter(response.headers.get(protocolHeaders.retryAfter)),
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

function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; name?: unknown; message?: unknown } } | undefined)
    ?.cause;
  // A system error's code (ECONNRESET); a DOMException's numeric legacy code (0) says nothing.
  if (typeof cause?.code === "string") return cause.code;
  if (typeof cause?.message === "string" && cause.message !== "") {
    return typeof cause.name === "string" && cause.name !== "Error"
      ? `${cause.name}: ${cause.message}`
      : cause.message;
  }
  return error instanceof Error ? error.message : String(error);
}

interface StatusDetails {
  requestId: string | undefined;
  retryAfter: number | undefined;
  cause: unknown;
  call: Pick<TransportCall, "method" | "path" | "model">;
}

/** Picks the error class for an HTTP status (SPEC 3.4), with the server's message shown once. */
export function errorForStatus(status: number, body: ErrorBodyInfo, details: StatusDetails): DecartSDKError {
  const { call, requestId, cause, retryAfter } = details;
  const serverMessage = body.message;
  const base = { status, requestId, cause, ...(body.code ? { code: body.code } : {}) };
  const said = serverMessage ? `: ${serverMessage}` : "";
  const where = `${call.method} ${call.path}`;
  if (status === 401 || status === 403) {
    return new InvalidAPIKeyError(
      `The server rejected the API key (HTTP ${status})${said}. Check the apiKey option or DECART_API_KEY`,
      base,
    );
  }
  if (status === 400 || status === 413 || status === 422) return invalidInput(status, body, details, base);
  if (status === 404 && call.model) {
    return new ModelNotFoundError(`Model ${call.model} was not found on the server (HTTP 404)${said}`, base);
  }
  if (status === 429) {
    const wait = retryAfter === undefined ? "" : `; retry after ${retryAfter} s`;
    return new RateLimitError(`Rate limited by the server (HTTP 429)${said}${wait}`, { ...base, retryAfter });
  }
  return new ProcessingError(`${where} failed with HTTP ${status}${said}`, base);
}

/**
 * A 400/413/422 as the notes' message form, `Invalid inputs for <model>: <what>`, with the server's
 * rejected fields as issues. A server message already in that form is used as it is, not prefixed again.
 */
function invalidInput(
  status: number,
  body: ErrorBodyInfo,
  details: StatusDetails,
  base: ConstructorParameters<typeof InvalidInputError>[1],
): InvalidInputError {
  const { call } = details;
  const issues = (body.issues ?? []).map((issue) => ({ field: issue.field, message: clauseFor(issue) }));
  const said = body.message ?? (status === 413 ? "the upload is too large" : `rejected with HTTP ${status}`);
  const message = /^Invalid inputs\b/.test(said)
    ? said
    : `Invalid inputs for ${call.model ?? `${call.method} ${call.path}`}: ${said}`;
  return new InvalidInputError(message, { ...base, issues });
}
