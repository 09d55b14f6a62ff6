import type { RetryOptions as KyRetryOptions } from "ky";

/**
 * How the client retries failed requests (SPEC 3.3). Reads (job status, content) retry on network
 * errors, timeouts, 408, 429, 500, 502, 503 and 504; a job submission retries the same way but only
 * because the client sends one `Idempotency-Key` for all its attempts; a sync generation retries only
 * on 429 and 503, where the server did no work.
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
   * @example
   * ```ts
   * const retry = { limit: 5 };
   * ```
   */
  limit?: number;
  /**
   * Backoff before the first retry, in milliseconds; it doubles for each further retry (full jitter).
   * @default 500
   * @example
   * ```ts
   * const retry = { baseDelay: 200 };
   * ```
   */
  baseDelay?: number;
  /**
   * Longest backoff between two attempts, in milliseconds.
   * @default 8000
   * @example
   * ```ts
   * const retry = { maxDelay: 2_000 };
   * ```
   */
  maxDelay?: number;
  /**
   * Longest wait the client accepts from a `Retry-After` header, in milliseconds.
   * @default 30000
   * @example
   * ```ts
   * const retry = { maxRetryAfter: 5_000 };
   * ```
   */
  maxRetryAfter?: number;
}

/** Which retry rules a request follows. */
export type RetryPolicy = "read" | "submit" | "generate" | "none";

const retryableStatuses = [408, 429, 500, 502, 503, 504];

/** How one kind of request retries: ky's settings, plus whether a lost connection or timeout is retried. */
export interface RetryRule {
  /** ky's retry settings (methods, status codes, `Retry-After` handling, limit). */
  readonly ky: KyRetryOptions;
  /** Whether a failure without a response (network error, attempt timeout) is retried. */
  readonly withoutResponse: boolean;
  /** Backoff before retry number `count` (from 1), with full jitter. */
  readonly backoff: (count: number) => number;
}

/** The retry rules for each policy, built once per client. */
export type RetryTable = Readonly<Record<RetryPolicy, RetryRule>>;

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
  const rule = (methods: string[], statusCodes: number[], withoutResponse: boolean): RetryRule => ({
    ky: {
      limit,
      // With no retries, no method is "retriable": ky then skips its retry wrapper altogether.
      methods: limit > 0 ? methods : [],
      statusCodes,
      // ky honours `Retry-After` (seconds or a date) on these, capped at `maxRetryAfter`.
      afterStatusCodes: [413, 429, 503],
      backoffLimit: settings.maxDelay ?? 8_000,
      maxRetryAfter: settings.maxRetryAfter ?? 30_000,
    },
    withoutResponse,
    backoff,
  });
  return {
    read: rule(["get"], retryableStatuses, true),
    submit: rule(["post"], retryableStatuses, true),
    // The server may have done the work when the connection dropped; only a refusal is safe to repeat.
    generate: rule(["post"], [429, 503], false),
    none: { ky: { limit: 0, methods: [] }, withoutResponse: false, backoff },
  };
}
