import type { Options, RetryOptions } from "ky";

/**
 * How the transport's per-call state reaches ky's hooks and the fetch adapter, in one place. ky's own
 * `context` option reaches the hooks but not `fetch`; ky passes options it does not know on to `fetch`
 * and hands its options object to every hook, so the call's state rides there as `decart`. The hooks
 * stay per client (no closures per call).
 */

/** What the transport knows about one call while ky runs it. */
export interface CallState {
  /** When the current attempt was sent (monotonic milliseconds). */
  startedAt: number;
  /** When the current attempt's response headers arrived, once they have (monotonic milliseconds). */
  headersAt?: number | undefined;
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

/**
 * ky's retry options, with retries ended as soon as the state marks a failure final. With no retries,
 * just the limit: ky then has no options object to normalise.
 */
export function retryUnlessFinal(
  retry: RetryOptions,
  backoff: (count: number) => number,
  state: CallState,
): RetryOptions | number {
  if (retry.limit === 0) return 0;
  return {
    ...retry,
    // `false` ends the retries with the failure as it is; `undefined` leaves the rest to ky's rules.
    shouldRetry: () => (state.retryable ? undefined : false),
    delay: backoff,
  };
}
