import { TimeoutError } from "./errors";

/**
 * Waits `milliseconds`, or rejects with `signal.reason` the moment the signal aborts. The timer and the
 * listener are both removed on either path, so nothing outlives the wait.
 */
export function sleep(milliseconds: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (milliseconds <= 0 && !signal) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, milliseconds);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** One call's cancellation: the caller's signal plus an optional overall deadline. */
export interface CallScope {
  /** Aborts when the caller aborts (reason: theirs) or the deadline passes (reason: a TimeoutError). */
  readonly signal: AbortSignal | undefined;
  /** Removes the listener and clears the deadline timer. Call it when the call settles. */
  dispose(): void;
}

const noScope: CallScope = { signal: undefined, dispose() {} };

/**
 * Links the caller's signal and a deadline into one signal for the whole call. Without a deadline the
 * caller's own signal is used as is (no extra controller, no listener).
 */
export function openScope(signal: AbortSignal | undefined, deadline: number | undefined): CallScope {
  if (deadline === undefined || deadline === Number.POSITIVE_INFINITY) {
    return signal ? { signal, dispose() {} } : noScope;
  }
  const controller = new AbortController();
  if (signal?.aborted) {
    controller.abort(signal.reason);
    return { signal: controller.signal, dispose() {} };
  }
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  const timer = setTimeout(() => {
    controller.abort(new TimeoutError(`The call did not finish within its ${deadline} ms deadline`));
  }, deadline);
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    },
  };
}

/** A fresh `DOMException` named `AbortError`, the reason `AbortController.abort()` uses by default. */
export function abortError(message = "This operation was aborted"): DOMException {
  return new DOMException(message, "AbortError");
}
