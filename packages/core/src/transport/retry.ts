import type { RetryOptions as KyRetryOptions } from "ky";
import { retryableStatuses } from "../errors/index";
import { maxTimerDelay } from "../timing/index";

/**
 * How the client retries failed requests. Reads (job status, content) retry on network
 * errors, timeouts, 408, 429, 500, 502, 503 and 504, including a failure while the response body is
 * being read (a reset or truncation mid-download). A POST (job submission, sync generation) is retried
 * only where the server provably did no work: 429, 503, or a connection refused before anything was
 * sent. It is never retried after a timeout or a reset once the body went out: the server may have
 * created the job, and the API is not known to deduplicate submissions.
 *
 * Waits grow exponentially (`baseDelay`, doubled per retry, capped at `maxDelay`) with full jitter, unless
 * the server sends `Retry-After`, which is honoured up to `maxRetryAfter`.
 *
 * @example
 * ```ts
 * import { createDecartClient } from "@decart/core";
 *
 * const client = createDecartClient({ apiKey: "key", retry: { limit: 4, maxRetryAfter: 10_000 } });
 * ```
 */
export interface RetryOptions {
  /**
   * Retries after the first attempt; `0` turns retries off.
   * @default 2
   */
  limit?: number;
  /**
   * Backoff before the first retry, in milliseconds; it doubles for each further retry (full jitter).
   * @default 500
   */
  baseDelay?: number;
  /**
   * Longest backoff between two attempts, in milliseconds.
   * @default 8000
   */
  maxDelay?: number;
  /**
   * Longest wait the client accepts from a `Retry-After` header, in milliseconds.
   * @default 30000
   */
  maxRetryAfter?: number;
  /**
   * Whether a 429 is retried (after its `Retry-After`). `false` hands it back at once as a
   * `RateLimitError`, for a caller that coordinates the wait itself, such as a fleet of queue workers
   * that pause together.
   * @default true
   */
  rateLimited?: boolean;
}

/** Which retry rules a request follows: a read (GET), a write (POST), or none. */
export type RetryPolicy = "read" | "write" | "none";

/** When a request failed without a complete response: before one arrived, or while its body was read. */
export type FailurePhase = "request" | "body";

/** How one kind of request retries: ky's settings, plus which failures without a response are retried. */
export interface RetryRule {
  /** ky's retry settings (methods, status codes, `Retry-After` handling, limit). */
  readonly ky: KyRetryOptions;
  /** Whether a failure without a complete response (network error, attempt timeout) is retried. */
  readonly retriesFailure: (error: unknown, phase: FailurePhase) => boolean;
  /** Backoff before retry number `count` (from 1), with full jitter. */
  readonly backoff: (count: number) => number;
}

/** The retry rules for each policy, built once per client. */
export type RetryTable = Readonly<Record<RetryPolicy, RetryRule>>;

/**
 * True when the connection was refused, so the request never left the client. Node's fetch reports it
 * as a `TypeError` whose cause (or one of whose causes' `errors`, when several addresses were tried)
 * has the code `ECONNREFUSED`; Deno and Bun say it in the message.
 */
export function isConnectionRefused(error: unknown, depth = 0): boolean {
  if (typeof error !== "object" || error === null || depth > 4) return false;
  const { code, message, cause, errors } = error as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (code === "ECONNREFUSED") return true;
  if (typeof message === "string" && /\bconnection refused\b/i.test(message)) return true;
  if (Array.isArray(errors) && errors.some((inner) => isConnectionRefused(inner, depth + 1))) return true;
  return isConnectionRefused(cause, depth + 1);
}

/** Normalises the client's `retry` option into rules for each request kind. */
export function createRetryTable(option: number | RetryOptions | undefined): RetryTable {
  const settings = typeof option === "number" ? { limit: option } : (option ?? {});
  const limit = settings.limit ?? 2;
  if (!Number.isInteger(limit) || limit < 0) {
    throw new TypeError(`retry limit must be a whole number of retries, 0 or more (got ${limit})`);
  }
  const baseDelay = settings.baseDelay ?? 500;
  // Full jitter: anywhere between 0 and the exponential step; ky caps the result at `backoffLimit`.
  const backoff = (count: number) => Math.random() * baseDelay * 2 ** (count - 1);
  const rule = (
    methods: string[],
    statusCodes: number[],
    retriesFailure: RetryRule["retriesFailure"],
  ): RetryRule => ({
    ky: {
      limit,
      // With no retries, no method is "retriable": ky then skips its retry wrapper altogether.
      methods: limit > 0 ? methods : [],
      statusCodes,
      // ky honours `Retry-After` (seconds or a date) on these, capped at `maxRetryAfter`.
      afterStatusCodes: [413, 429, 503],
      // ky waits with a bare setTimeout: clamped, so a huge setting waits 24.8 days rather than 1 ms.
      backoffLimit: Math.min(settings.maxDelay ?? 8_000, maxTimerDelay),
      maxRetryAfter: Math.min(settings.maxRetryAfter ?? 30_000, maxTimerDelay),
    },
    retriesFailure,
    backoff,
  });
  const statuses = (codes: number[]) =>
    settings.rateLimited === false ? codes.filter((code) => code !== 429) : codes;
  return {
    read: rule(["get"], statuses([...retryableStatuses]), () => true),
    // The server may have done the work once the request went out; only a refusal is safe to repeat.
    write: rule(
      ["post"],
      statuses([429, 503]),
      (error, phase) => phase === "request" && isConnectionRefused(error),
    ),
    none: { ky: { limit: 0, methods: [] }, retriesFailure: () => false, backoff },
  };
}
