import { isDecartError, type RateLimitError } from "@decart/core";
import type { FailureRecord } from "./items";

/** What a worker does with an error from an attempt. */
export type Verdict =
  /** The account is rate limited: pause every worker for `delayMs`, put the item back uncounted. */
  | { kind: "rate-limited"; delayMs: number }
  /**
   * This worker's key was refused (or it has none that works): the item is not at fault, so it goes back
   * uncounted for a worker whose key works, and this worker stops.
   */
  | { kind: "key-rejected" }
  /** The item can never succeed as given: fail it now, without retrying. */
  | { kind: "final" }
  /** A server or network failure: retry with backoff, while attempts remain. */
  | { kind: "retry" };

/** The default pause for a 429 that names no `Retry-After`. */
const defaultPauseMs = 1_000;

/**
 * Decides by the SDK's typed errors, told apart by name rather than `instanceof`, so that an error from
 * another copy of `@decart/core` in the app is judged the same: a 429 pauses the fleet, a refused key
 * stops the worker, the inputs (unless only their download failed), the permissions or the model are
 * wrong for good; the rest may pass.
 */
export function judge(error: unknown): Verdict {
  if (!isDecartError(error)) return { kind: "retry" };
  switch (error.name) {
    case "RateLimitError": {
      const seconds = (error as RateLimitError).retryAfter;
      return { kind: "rate-limited", delayMs: seconds && seconds > 0 ? seconds * 1_000 : defaultPauseMs };
    }
    case "InvalidAPIKeyError":
      return { kind: "key-rejected" };
    case "InvalidInputError":
      // A URL input its server could not give just now (a 503, a dropped connection) may come next time.
      return error.retryable ? { kind: "retry" } : { kind: "final" };
    case "ModelNotFoundError":
    case "PermissionDeniedError":
      return { kind: "final" };
  }
  return error.code === "JOB_CANCELLED" ? { kind: "final" } : { kind: "retry" };
}

/** The error as a failed job keeps it: class name, code, status, message, request id. */
export function failureRecord(error: unknown, final: boolean): FailureRecord {
  const record: FailureRecord = {
    name: error instanceof Error ? error.name : "Error",
    message: error instanceof Error ? error.message : String(error),
    final,
  };
  if (isDecartError(error)) {
    record.code = String(error.code);
    if (error.status !== undefined) record.status = error.status;
    if (error.requestId !== undefined) record.requestId = error.requestId;
  }
  return record;
}

/** One line for a failure: `InvalidInputError 422 (req_1): Invalid inputs for …`. */
export function failureLine(record: FailureRecord): string {
  const status = record.status === undefined ? "" : ` ${record.status}`;
  const request = record.requestId === undefined ? "" : ` (${record.requestId})`;
  return `${record.name}${status}${request}: ${record.message}`;
}
