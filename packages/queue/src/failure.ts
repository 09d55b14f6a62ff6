import {
  InvalidAPIKeyError,
  InvalidInputError,
  isDecartError,
  ModelNotFoundError,
  PermissionDeniedError,
  RateLimitError,
} from "@decart/core";
import type { FailureRecord } from "./items";

/** What a worker does with an error from an attempt. */
export type Verdict =
  /** The account is rate limited: pause every worker for `delayMs`, put the item back uncounted. */
  | { kind: "rate-limited"; delayMs: number }
  /** The item can never succeed as given: fail it now, without retrying. */
  | { kind: "final" }
  /** A server or network failure: retry with backoff, while attempts remain. */
  | { kind: "retry" };

/** The default pause for a 429 that names no `Retry-After`. */
const defaultPauseMs = 1_000;

/** Decides by the SDK's typed errors: the inputs, the key, its permissions or the model are wrong for good; the rest may pass. */
export function judge(error: unknown): Verdict {
  if (error instanceof RateLimitError) {
    const seconds = error.retryAfter;
    return { kind: "rate-limited", delayMs: seconds && seconds > 0 ? seconds * 1_000 : defaultPauseMs };
  }
  if (
    error instanceof InvalidInputError ||
    error instanceof ModelNotFoundError ||
    error instanceof InvalidAPIKeyError ||
    error instanceof PermissionDeniedError
  )
    return { kind: "final" };
  if (isDecartError(error) && error.code === "JOB_CANCELLED") return { kind: "final" };
  return { kind: "retry" };
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
