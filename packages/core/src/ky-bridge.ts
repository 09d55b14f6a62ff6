import type { Options, RetryOptions } from "ky";

/**
 * What ky 1.9.1 cannot be told through its public options, in one place:
 *
 * - Per-call state for the hooks and the fetch adapter. ky has no per-request context option; it hands
 *   its options object to every hook and passes options it does not know on to `fetch`, so the call's
 *   state rides there as `decart`. The hooks stay per client (no closures per call).
 * - Stopping retries by what failed. ky's `retry` has no predicate: it retries by method and status
 *   only, and a `beforeRetry` hook runs after the backoff wait (its `ky.stop` resolves the call with
 *   `undefined`). The `delay` callback is the one point ky consults before it waits, so throwing there ends
 *   the retries with the failure marked final.
 */

/** What the transport knows about one call while ky runs it. */
export interface CallState {
  /** When the current attempt was sent (monotonic milliseconds). */
  startedAt: number;
  /** Retries before the current attempt. */
  retryCount: number;
  /** Attempts handed to fetch so far. */
  attempts: number;
  /** Whether the latest failure may be retried; whoever saw it fail sets it. */
  retryable: boolean;
  /** The latest failure, rethrown when it may not be retried. */
  failure: unknown;
  /** Set when a plugin's hook threw: the failure is the caller's code, not the server's. */
  hookFailed?: boolean;
}

/** ky's options for one call, carrying the call's state. */
export function withCallState<State extends CallState>(options: Options, state: State): Options {
  return Object.assign(options, { decart: state });
}

/** The call state inside the options ky hands a hook or the fetch adapter. */
export function stateOf<State extends CallState = CallState>(options: object): State {
  return (options as { decart: State }).decart;
}

/** ky's retry options, with retries ended as soon as the state marks a failure final. */
export function retryUnlessFinal(
  retry: RetryOptions,
  backoff: (count: number) => number,
  state: CallState,
): RetryOptions {
  if (retry.limit === 0) return retry;
  return {
    ...retry,
    // Called for every failure ky would retry, except an HTTP status answered with `Retry-After`.
    delay: (count) => {
      if (!state.retryable) throw state.failure;
      return backoff(count);
    },
  };
}
