import {
  clauseFor,
  DecartSDKError,
  InvalidInputError,
  ModelNotFoundError,
  markCallbackFailure,
  ProcessingError,
  RateLimitError,
  refusalError,
} from "../errors/index";
import { type ErrorBodyInfo, headers as protocolHeaders, readErrorBody } from "../protocol/index";
import { loadedKy } from "./ky-loader";
import type { FailurePhase } from "./retry";
import type { TransportCall } from "./transport-call";

/** The SDK error for a plugin hook that threw, marked as the caller's failure rather than the server's. */
export function hookError(error: unknown, call: TransportCall): DecartSDKError {
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

/** The SDK error for an attempt that failed without a complete response. */
export function networkError(call: TransportCall, phase: FailurePhase, error: unknown): ProcessingError {
  const when = phase === "request" ? "before a response arrived" : "while its response was read";
  return new ProcessingError(`${call.method} ${call.path} failed ${when}: ${describeCause(error)}`, {
    code: "NETWORK_ERROR",
    retryable: true,
    cause: error,
  });
}

/** Maps a failed call (ky's `HTTPError`, an unreadable body, anything else) to the SDK's error classes. */
export async function errorFromFailure(error: unknown, call: TransportCall): Promise<Error> {
  if (error instanceof DecartSDKError) return error;
  const ky = loadedKy();
  if (ky && error instanceof ky.HTTPError) {
    const { response } = error;
    const text = await response.text().catch(() => "");
    return errorForStatus(response.status, readErrorBody(text, response.headers.get("content-type")), {
      requestId: response.headers.get(protocolHeaders.requestId) ?? undefined,
      retryAfter: parseRetryAfter(response.headers.get(protocolHeaders.retryAfter)),
      // The response, not ky's HTTPError: that one holds the request and its options, API key included,
      // and printing the error (console.log, a logger) would print them.
      cause: response,
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
  call: Pick<TransportCall, "method" | "path" | "model" | "credential">;
}

/**
 * Picks the error class for an HTTP status: 401 a bad key, 403 a refusal (both worded by who refused:
 * the API or a proxy), 400/413/422 invalid inputs, 404 on a
 * model's route an unknown model, 429 a rate limit, anything else a processing error; the server's
 * message is shown once.
 */
export function errorForStatus(status: number, body: ErrorBodyInfo, details: StatusDetails): DecartSDKError {
  const { call, requestId, cause, retryAfter } = details;
  const serverMessage = body.message;
  const base = { status, requestId, cause, ...(body.code ? { code: body.code } : {}) };
  const said = serverMessage ? `: ${serverMessage}` : "";
  const where = `${call.method} ${call.path}`;
  if (status === 401 || status === 403) {
    return refusalError(status, serverMessage, body.code, call.credential, base);
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
 * A 400/413/422 as `Invalid inputs for <model>: <what>`, with the server's rejected fields as issues. A server message already in that form is used as it is, not prefixed again.
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
