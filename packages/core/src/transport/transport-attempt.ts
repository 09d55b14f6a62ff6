import type { Hooks } from "ky";
import { TimeoutError } from "../errors/index";
import { uploadRedirectMode } from "../runtime/index";
import { now, startTimer, type Timer } from "../timing/index";
import { type CallState, stateOf } from "./ky-bridge";
import { readBlob } from "./response-blob";
import type { FailurePhase, RetryTable } from "./retry";
import type { TransportCall } from "./transport-call";
import { networkError } from "./transport-errors";

/** What the fetch adapter needs per call. */
export interface TransportState extends CallState {
  call: TransportCall;
  /** Whether the attempt reads the body of a successful response before it returns. */
  buffered: boolean;
  /**
   * Whether a body read in the attempt is handed on in a fresh Response over it. Not for a Blob read
   * that no `afterResponse` hook sees: the Blob is the result, and nothing reads the response again.
   */
  rewrap: boolean;
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

/** A fresh state for one call. */
export function newTransportState(
  call: TransportCall,
  buffered: boolean,
  rewrap: boolean,
  timeout: number | false,
): TransportState {
  return {
    call,
    buffered,
    rewrap,
    timeout,
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
}

type RequestInitWithDuplex = RequestInit & { duplex?: "half"; window?: null };

/**
 * The fetch ky calls for each attempt.
 *
 * ky builds the Request without a body, so its per-attempt `clone()` copies no bytes; the body is
 * attached here, fresh for each attempt. `redirect: "error"` and `window: null` let undici stream the
 * body instead of cloning (and so buffering) the request before sending it; workerd, which refuses
 * "error", gets "manual".
 *
 * Reads (`read`, `json`, `blob`) take the body in here too, inside ky's retry loop: ky retries what its
 * fetch rejects with, so a reset or a truncation mid-download is retried like a lost connection (ky has
 * no hook to retry after a response was returned).
 */
export function createAttempt(
  fetchImpl: typeof globalThis.fetch,
  retry: RetryTable,
  hooks: Hooks | undefined,
): (input: string | URL | Request, init?: RequestInit) => Promise<Response> {
  return async (input, init) => {
    const request = input as Request;
    const state = stateOf<TransportState>(init as object);
    const { call } = state;
    void state.response?.body?.cancel().catch(() => undefined);
    state.response = undefined;
    state.body = undefined;
    state.retryCount = state.attempts++;
    state.startedAt = now();
    state.headersAt = undefined;
    const body = call.body?.();
    const signal = attemptSignal(state, request, hooks?.beforeRequest !== undefined, uploadBytes(call, body));
    let phase: FailurePhase = "request";
    try {
      const withBody: RequestInitWithDuplex | undefined =
        body !== undefined
          ? {
              method: request.method,
              headers: request.headers,
              body,
              signal,
              redirect: uploadRedirectMode(),
              window: null,
              duplex: "half",
            }
          : undefined;
      let response = await fetchImpl(withBody ? request.url : request, withBody ?? { signal });
      state.headersAt = now();
      if (state.buffered && response.ok && !hasNoBody(response)) {
        phase = "body";
        // The body gets its own time: the timeout again, plus what its announced size takes at the floor rate.
        armTimer(state, Number(response.headers.get("content-length")) || 0);
        response = await bufferBody(state, response);
      }
      state.response = response;
      state.retryable = true; // an error status is retried if ky's rule lists it
      return response;
    } catch (error) {
      state.retryable = retry[call.retry].retriesFailure(error, phase) && !request.signal.aborted;
      state.failure = error instanceof TimeoutError ? error : networkError(call, phase, error);
      throw state.failure;
    }
  };
}

/**
 * The slowest transfer the timeout makes room for, in bytes per millisecond (64 KiB/s): a request body
 * gets `timeout` plus the time its bytes take at this rate before the answer must come, and a response
 * body `timeout` plus the same for its `Content-Length`. A large upload or download on a slow link is
 * not cut off at the plain timeout, while a stalled or trickling one still is.
 */
const floorBytesPerMs = 65.536;

/** The size of an attempt's request body, where it is known: its Content-Length, else its own size. */
function uploadBytes(call: TransportCall, body: BodyInit | undefined): number {
  const announced = Number(call.headers?.["content-length"]);
  if (announced > 0) return announced;
  if (typeof Blob === "function" && body instanceof Blob) return body.size;
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return body.byteLength;
  return typeof body === "string" ? body.length : 0;
}

/** (Re)starts the attempt's timer: `timeout` plus the time `bytes` take at the floor rate. */
function armTimer(state: TransportState, bytes: number): void {
  const { call, timeout, controller } = state;
  if (timeout === false || !controller) return;
  state.timer?.clear();
  const limit = Math.min(2_147_483_647, Math.ceil(timeout + bytes / floorBytesPerMs));
  state.timer = startTimer(() => {
    const room =
      limit === timeout
        ? `the ${timeout} ms request timeout`
        : `${limit} ms (the ${timeout} ms request timeout, and ${bytes} bytes at 64 KiB/s)`;
    controller.abort(
      new TimeoutError(`${call.method} ${call.path} did not finish within ${room}`, { retryable: true }),
    );
  }, limit);
}

/**
 * The attempt's signal, with the per-attempt timeout. The timeout lives here rather than in ky's
 * `timeout`: ky never retries a timed-out attempt and stops timing once headers arrive, while a read
 * that timed out is retried and the body download deserves the same bound. The timer aborts the attempt
 * with an SDK `TimeoutError`, which fetch and the body read then reject with.
 */
function attemptSignal(state: TransportState, request: Request, hooked: boolean, bytes: number): AbortSignal {
  const { call, timeout } = state;
  if (timeout === false) return request.signal;
  const controller = new AbortController();
  state.controller = controller;
  armTimer(state, bytes);
  // The attempt's signal follows the Request's (the caller's abort), without `AbortSignal.any`'s cost.
  // With no caller's signal and no plugin to swap the Request, that one never aborts (ky's own timeout
  // is off), so there is nothing to follow.
  if (request.signal.aborted) controller.abort(request.signal.reason);
  else if (call.signal || hooked) {
    request.signal.addEventListener("abort", () => controller.abort(request.signal.reason), {
      once: true,
    });
  }
  return controller.signal;
}

/**
 * Reads a successful response's body into memory and returns a response over it, or the response
 * itself, its body used, when nothing reads it again (its status and headers stay readable).
 */
async function bufferBody(state: TransportState, response: Response): Promise<Response> {
  state.body = await readBlob(response);
  if (!state.rewrap) return response;
  return new Response(state.body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

/** True for a response with no body to read; a Response with these statuses cannot be built with one. */
function hasNoBody(response: Response): boolean {
  return response.body === null || [204, 205, 304].includes(response.status);
}
