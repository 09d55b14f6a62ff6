const brand = Symbol.for("decart.sdk.error");

/**
 * Machine-readable error codes. Server codes pass through as the server spells them.
 *
 * @example
 * ```ts
 * import type { DecartErrorCode } from "@decart/core";
 *
 * const retryLater = (code: DecartErrorCode) => code === "RATE_LIMITED";
 * ```
 */
export type DecartErrorCode =
  | "INVALID_API_KEY"
  | "INVALID_BASE_URL"
  | "INVALID_INPUT"
  | "MODEL_NOT_FOUND"
  | "PERMISSION_DENIED"
  | "API_KEY_PROVIDER_FAILED"
  | "PROCESSING_ERROR"
  | "RATE_LIMITED"
  | "TIMEOUT"
  | (string & {});

/**
 * Details every SDK error may carry.
 *
 * @example
 * ```ts
 * import { ProcessingError, type DecartErrorOptions } from "@decart/core";
 *
 * const details: DecartErrorOptions = { status: 502, requestId: "req_1" };
 * const error = new ProcessingError("Upstream failed", details);
 * ```
 */
export interface DecartErrorOptions {
  /** HTTP status of the response that caused the error, when there was one. */
  status?: number;
  /** The server's `x-request-id`, to quote when reporting a problem. */
  requestId?: string;
  /** The underlying error. */
  cause?: unknown;
  /** Overrides the code the class would otherwise use. */
  code?: DecartErrorCode;
  /** Overrides whether the failure is worth retrying (by default computed from `status`). */
  retryable?: boolean;
  /** The job the failure belongs to, when there was one. */
  jobId?: string;
}

/** The statuses after which the same call may succeed: 408, 429 and the passing 5xx (500, 502, 503, 504). */
export const retryableStatuses: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/**
 * Base class of every error the SDK throws. Catch it to handle any SDK failure; use the subclasses
 * (or {@link isDecartError} across duplicated installs) to tell them apart.
 *
 * The hierarchy is flat: every class below is a direct subclass of `DecartSDKError`, so no `instanceof`
 * check catches another class's failures by accident.
 *
 * | class | `name` | `code` | when |
 * | --- | --- | --- | --- |
 * | {@link InvalidAPIKeyError} | `InvalidAPIKeyError` | `INVALID_API_KEY`, `API_KEY_PROVIDER_FAILED` | key missing or blank, a failing key provider, or 401 |
 * | {@link PermissionDeniedError} | `PermissionDeniedError` | `PERMISSION_DENIED` | 403: the key, client token or proxy does not allow the request |
 * | {@link InvalidBaseURLError} | `InvalidBaseURLError` | `INVALID_BASE_URL` | `baseUrl` or `proxy` malformed |
 * | {@link InvalidInputError} | `InvalidInputError` | `INVALID_INPUT` | schema failure, or 400/413/422 |
 * | {@link ModelNotFoundError} | `ModelNotFoundError` | `MODEL_NOT_FOUND` | unknown model, or 404 for a model |
 * | {@link ProcessingError} | `ProcessingError` | `PROCESSING_ERROR`, `JOB_FAILED`, `NETWORK_ERROR`… | 5xx, failed job, unreadable response |
 * | {@link RateLimitError} | `RateLimitError` | `RATE_LIMITED` | 429 after retries; wait `retryAfter` seconds |
 * | {@link TimeoutError} | `DecartTimeoutError` | `TIMEOUT` | a request's `timeout` or a call's `deadline` |
 *
 * Cancellation is not an SDK error: an aborted call rejects with the signal's reason, as `fetch` does (a
 * `DOMException` named `AbortError`, or named `TimeoutError` for `AbortSignal.timeout()`).
 *
 * @example
 * ```ts
 * import { DecartSDKError, createDecartClient } from "@decart/core";
 * import { models } from "@decart/models";
 *
 * const client = createDecartClient({ apiKey: "key" });
 * try {
 *   await client.process({ model: models.image("lucy-pro-t2i"), prompt: "A lighthouse at dawn" });
 * } catch (error) {
 *   if (error instanceof DecartSDKError) console.error(error.code, error.status, error.requestId);
 * }
 * ```
 */
export class DecartSDKError extends Error {
  /** Always `"DecartSDKError"` for the base class; each subclass sets its own name. */
  override name = "DecartSDKError";
  /** Machine-readable code, such as `INVALID_INPUT`. */
  readonly code: DecartErrorCode;
  /** HTTP status, when the error came from a response. */
  readonly status: number | undefined;
  /** The server's request id, when the error came from a response. */
  readonly requestId: string | undefined;
  /** Whether trying the same call again may succeed (network failure, 408, 429, 5xx). */
  readonly retryable: boolean;
  /**
   * The server's job id when the failure happened after a job was submitted (while polling, on a
   * failed job, downloading its result, or at the deadline), so the job can still be checked with
   * `queue.status(jobId)` or fetched later with `queue.result(jobId)`.
   */
  jobId: string | undefined;

  constructor(message: string, options: DecartErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code =
      options.code ?? (new.target as unknown as { defaultCode?: DecartErrorCode }).defaultCode ?? "SDK_ERROR";
    this.status = options.status;
    this.requestId = options.requestId;
    this.jobId = options.jobId;
    this.retryable =
      options.retryable ?? (options.status !== undefined && retryableStatuses.has(options.status));
    Object.defineProperty(this, brand, { value: true });
  }

  /** The code a new instance gets when none is given. */
  static defaultCode: DecartErrorCode = "SDK_ERROR";
}

/**
 * The API key is missing or blank, conflicts with `proxy`, its provider function failed (code
 * `API_KEY_PROVIDER_FAILED`, the provider's error as `cause`), or the server rejected it (401): a wrong
 * key, or an expired client token. The message says who refused and what to do.
 *
 * @example
 * ```ts
 * import { InvalidAPIKeyError } from "@decart/core";
 *
 * function explain(error: unknown) {
 *   if (error instanceof InvalidAPIKeyError) return "Check DECART_API_KEY";
 * }
 * ```
 */
export class InvalidAPIKeyError extends DecartSDKError {
  /** Always `"InvalidAPIKeyError"`. */
  override name = "InvalidAPIKeyError";
  static override defaultCode: DecartErrorCode = "INVALID_API_KEY";
}

/**
 * The server (or your proxy) understood who is asking and refused the request (HTTP 403): a client token
 * whose `allowedModels` or `allowedOrigins` do not cover it, a model your proxy does not forward, or a
 * proxy's `authorize` that said no. The message says who refused; a server's `code` (such as the
 * proxy's `FORBIDDEN` or `MODEL_NOT_ALLOWED`) replaces the default `PERMISSION_DENIED`.
 *
 * A direct subclass of {@link DecartSDKError}: asking again with the same key will not help, and a new
 * key will not either unless its scope differs, so it is told apart from {@link InvalidAPIKeyError}.
 *
 * @example
 * ```ts
 * import { PermissionDeniedError } from "@decart/core";
 *
 * function explain(error: unknown) {
 *   if (error instanceof PermissionDeniedError) return `Not allowed (${error.code}): ${error.message}`;
 * }
 * ```
 */
export class PermissionDeniedError extends DecartSDKError {
  /** Always `"PermissionDeniedError"`. */
  override name = "PermissionDeniedError";
  static override defaultCode: DecartErrorCode = "PERMISSION_DENIED";
}

/**
 * `baseUrl` or `proxy` is not a usable URL.
 *
 * @example
 * ```ts
 * import { InvalidBaseURLError, createDecartClient } from "@decart/core";
 *
 * try {
 *   createDecartClient({ apiKey: "key", baseUrl: "ftp://example.com" });
 * } catch (error) {
 *   console.log(error instanceof InvalidBaseURLError); // true
 * }
 * ```
 */
export class InvalidBaseURLError extends DecartSDKError {
  /** Always `"InvalidBaseURLError"`. */
  override name = "InvalidBaseURLError";
  static override defaultCode: DecartErrorCode = "INVALID_BASE_URL";
}

/**
 * One reason inputs were rejected: the field (dot path) and a sentence naming it.
 *
 * @example
 * ```ts
 * import type { InputIssue } from "@decart/core";
 *
 * const issue: InputIssue = { field: "data", message: "data is required" };
 * ```
 */
export interface InputIssue {
  /** Dot path of the field, such as `data` or `trajectory.0.x`; empty for the whole input. */
  readonly field: string;
  /** A clause naming the field, such as `data is required`. */
  readonly message: string;
}

/**
 * Inputs failed the model's schema (before any network call), or the server answered 400/413/422.
 * The message names the model and each failing field: `Invalid inputs for lucy-pro-i2v: data is required`.
 *
 * @example
 * ```ts
 * import { InvalidInputError } from "@decart/core";
 *
 * function fieldsOf(error: unknown) {
 *   return error instanceof InvalidInputError ? error.issues.map((issue) => issue.field) : [];
 * }
 * ```
 */
export class InvalidInputError extends DecartSDKError {
  /** Always `"InvalidInputError"`. */
  override name = "InvalidInputError";
  static override defaultCode: DecartErrorCode = "INVALID_INPUT";
  /** Each failing field, when known. */
  readonly issues: readonly InputIssue[];

  constructor(message: string, options: DecartErrorOptions & { issues?: readonly InputIssue[] } = {}) {
    super(message, options);
    this.issues = options.issues ?? [];
  }

  /**
   * Builds the message `Invalid inputs for <model>: <clause>; <clause>`. Each issue's
   * message is used as written when it already starts with the field name (`data is required`);
   * otherwise the field name is put in front (`seed must be an integer`).
   *
   * @example
   * ```ts
   * import { InvalidInputError } from "@decart/core";
   *
   * const error = InvalidInputError.fromIssues("lucy-pro-i2v", [{ field: "data", message: "data is required" }]);
   * console.log(error.message); // "Invalid inputs for lucy-pro-i2v: data is required"
   * ```
   */
  static fromIssues(
    model: string,
    issues: readonly InputIssue[],
    options: DecartErrorOptions = {},
  ): InvalidInputError {
    const named = issues.map((issue) =>
      issue.field === "" || issue.message.startsWith(issue.field)
        ? issue
        : { field: issue.field, message: `${issue.field} ${issue.message}` },
    );
    const clauses =
      named.length > 0 ? named.map((issue) => issue.message).join("; ") : "inputs were rejected";
    return new InvalidInputError(`Invalid inputs for ${model}: ${clauses}`, { ...options, issues: named });
  }
}

/**
 * No model by that name: `models.video("nope")`, or a 404 for a model path.
 *
 * @example
 * ```ts
 * import { ModelNotFoundError } from "@decart/core";
 * import { models } from "@decart/models";
 *
 * try {
 *   models.video("lucy-nope" as "lucy-pro-t2v");
 * } catch (error) {
 *   console.log(error instanceof ModelNotFoundError); // true
 * }
 * ```
 */
export class ModelNotFoundError extends DecartSDKError {
  /** Always `"ModelNotFoundError"`. */
  override name = "ModelNotFoundError";
  static override defaultCode: DecartErrorCode = "MODEL_NOT_FOUND";
}

/**
 * The server failed to do the work: 5xx after retries, a job that ended `failed`, or a response the
 * client could not read. A 429 is a {@link RateLimitError} instead, which is not a `ProcessingError`.
 *
 * @example
 * ```ts
 * import { ProcessingError } from "@decart/core";
 *
 * const shouldReport = (error: unknown) => error instanceof ProcessingError && !error.retryable;
 * ```
 */
export class ProcessingError extends DecartSDKError {
  /** Always `"ProcessingError"`. */
  override name = "ProcessingError";
  static override defaultCode: DecartErrorCode = "PROCESSING_ERROR";
}

/**
 * The server kept answering 429 after the client's retries. `retryAfter` says how long it asked to wait.
 *
 * A direct subclass of {@link DecartSDKError}, not of {@link ProcessingError}: a 429 means "try again
 * later", not "the server failed the work", so a `catch` that handles `ProcessingError` (say, by reporting
 * a failure) never swallows a rate limit meant for backoff.
 *
 * @example
 * ```ts
 * import { RateLimitError } from "@decart/core";
 *
 * const waitMs = (error: unknown) => (error instanceof RateLimitError ? (error.retryAfter ?? 1) * 1000 : 0);
 * ```
 */
export class RateLimitError extends DecartSDKError {
  /** Always `"RateLimitError"`. */
  override name = "RateLimitError";
  static override defaultCode: DecartErrorCode = "RATE_LIMITED";
  /** Seconds the server asked the client to wait, from `Retry-After`. */
  readonly retryAfter: number | undefined;

  constructor(message: string, options: DecartErrorOptions & { retryAfter?: number } = {}) {
    super(message, { status: 429, ...options });
    this.retryAfter = options.retryAfter;
  }
}

/**
 * A request took longer than the client's `timeout`, or a call passed its `deadline`.
 *
 * Its `name` is `"DecartTimeoutError"`, not `"TimeoutError"`: that name belongs to the `DOMException` a
 * call rejects with when the `signal` you passed came from `AbortSignal.timeout()` (your own time limit,
 * passed through untouched like any abort reason). So `error.name` tells the two apart, as do
 * `instanceof TimeoutError` and `code === "TIMEOUT"`.
 *
 * @example
 * ```ts
 * import { createDecartClient, TimeoutError } from "@decart/core";
 * import { models } from "@decart/models";
 *
 * const client = createDecartClient({ apiKey: "key", timeout: 30_000 });
 * try {
 *   await client.process({ model: models.image("lucy-pro-t2i"), prompt: "A harbour", signal: AbortSignal.timeout(60_000) });
 * } catch (error) {
 *   if (error instanceof TimeoutError) console.log("a request or the deadline timed out"); // name "DecartTimeoutError"
 *   else if (error instanceof DOMException && error.name === "TimeoutError") console.log("AbortSignal.timeout() fired");
 * }
 * ```
 */
export class TimeoutError extends DecartSDKError {
  /** Always `"DecartTimeoutError"`, so it is never mistaken for the `DOMException` of `AbortSignal.timeout()`. */
  override name = "DecartTimeoutError";
  static override defaultCode: DecartErrorCode = "TIMEOUT";
}

/**
 * True for any SDK error, even one thrown by a second installed copy of `@decart/core`, where
 * `instanceof` would fail.
 *
 * @example
 * ```ts
 * import { isDecartError } from "@decart/core";
 *
 * try {
 *   JSON.parse("{");
 * } catch (error) {
 *   console.log(isDecartError(error)); // false
 * }
 * ```
 */
export function isDecartError(value: unknown): value is DecartSDKError {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}

/**
 * Any failure as an SDK error (a signal's reason, a callback's exception), the original as `cause`:
 * an abort gets the code `ABORTED`, anything else `SDK_ERROR`; an SDK error is returned as it is.
 */
export function asDecartError(error: unknown): DecartSDKError {
  if (isDecartError(error)) return error;
  const aborted = (error as { name?: unknown } | null)?.name === "AbortError";
  return new DecartSDKError(error instanceof Error ? error.message : String(error), {
    cause: error,
    code: aborted ? "ABORTED" : "SDK_ERROR",
  });
}
