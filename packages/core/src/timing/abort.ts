import { TimeoutError } from "../errors/index";
import { startTimer } from "./timer";

/**
 * Waits `milliseconds`, or rejects with `signal.reason` the moment the signal aborts. The timer and the
 * listener are both removed on either path, so nothing outlives the wait.
 */
export function sleep(milliseconds: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (milliseconds <= 0 && !signal) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      timer.clear();
      reject(signal?.reason);
    };
    const timer = startTimer(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, milliseconds);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** One call's cancellation: the caller's signal, an optional overall deadline, and abandoning. */
export interface CallScope {
  /**
   * Aborts when the caller aborts (reason: theirs), the deadline passes (reason: a TimeoutError) or the
   * call is abandoned (reason: what `abandon` was given).
   */
  readonly signal: AbortSignal;
  /** Aborts the call's signal with `reason`, as if the caller had: what is in flight stops, a job is cancelled. */
  abandon(reason: unknown): void;
  /** Removes the listener and clears the deadline timer. Call it when the call settles. */
  dispose(): void;
}

/**
 * Links the caller's signal and a deadline into one signal for the whole call, which the call can also
 * abort itself (`abandon`), so every way a call ends early takes the same path.
 */
export function openScope(signal: AbortSignal | undefined, deadline?: number): CallScope {
  const controller = new AbortController();
  const abandon = (reason: unknown) => controller.abort(reason);
  if (signal?.aborted) {
    controller.abort(signal.reason);
    return { signal: controller.signal, abandon, dispose() {} };
  }
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  const timer =
    deadline === undefined
      ? undefined
      : startTimer(() => {
          controller.abort(new TimeoutError(`The call did not finish within its ${deadline} ms deadline`));
        }, deadline);
  return {
    signal: controller.signal,
    abandon,
    dispose() {
      timer?.clear();
      signal?.removeEventListener("abort", onAbort);
    },
  };
}

/** A fresh `DOMException` named `AbortError`, the reason `AbortController.abort()` uses by default. */
export function abortError(message = "This operation was aborted"): DOMException {
  return new DOMException(message, "AbortError");
}
