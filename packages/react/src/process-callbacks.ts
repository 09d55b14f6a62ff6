import type { DecartSDKError, ModelDefinition } from "@decart/core";
import type { UseProcessInput } from "./process-input";

/**
 * Callbacks for the end of a generation, as TanStack Query's `useMutation` takes them: pass them to
 * `useProcess(callbacks)` for every call of the hook, or to `process(input, callbacks)` /
 * `processAsync(input, callbacks)` for that call. They run once the generation has settled and the hook's
 * state has been updated (the component re-renders with it), before `processAsync`'s promise settles:
 * first the hook's `onSuccess` or `onError`, then its `onSettled`, then the call's, in the same order.
 *
 * A call that is cancelled (by `cancel()`, `reset()`, a newer call or unmounting) calls none of them.
 * A call's own callbacks are skipped when the component has unmounted; the hook's still run. An
 * exception thrown by a callback changes neither the state nor the promise: it is rethrown as an
 * unhandled rejection, so it reaches the console and error trackers.
 *
 * @example
 * ```ts
 * import type { ProcessCallbacks } from "@decart/react";
 *
 * const callbacks: ProcessCallbacks = {
 *   onSuccess: (data, input) => console.log(`${input.model.name}: ${data.size} bytes`),
 *   onError: (error) => console.error(error.code, error.message),
 *   onSettled: () => console.log("done"),
 * };
 * ```
 */
export interface ProcessCallbacks<Model extends ModelDefinition = ModelDefinition> {
  /** Called with the result and the call's input when a generation succeeds. */
  onSuccess?: (data: Blob, input: UseProcessInput<Model>) => void;
  /** Called with the typed SDK error and the call's input when a generation fails. */
  onError?: (error: DecartSDKError, input: UseProcessInput<Model>) => void;
  /** Called after `onSuccess` or `onError`, with the result or the error. */
  onSettled?: (
    data: Blob | undefined,
    error: DecartSDKError | undefined,
    input: UseProcessInput<Model>,
  ) => void;
}

/** How a generation ended, for the callbacks. */
export type SettledOutcome = { data: Blob; error?: undefined } | { data?: undefined; error: DecartSDKError };

/** Calls one callback; what it throws is reported, not propagated. */
function call<Arguments extends unknown[]>(
  callback: ((...values: Arguments) => void) | undefined,
  ...values: Arguments
): void {
  if (!callback) return;
  try {
    callback(...values);
  } catch (error) {
    void Promise.reject(error);
  }
}

/** Runs each set of callbacks in turn (the hook's, then the call's), success or error then settled. */
export function notifySettled<Model extends ModelDefinition>(
  outcome: SettledOutcome,
  input: UseProcessInput<Model>,
  ...sets: Array<ProcessCallbacks<Model> | undefined>
): void {
  for (const callbacks of sets) {
    if (!callbacks) continue;
    if (outcome.error) call(callbacks.onError, outcome.error, input);
    else call(callbacks.onSuccess, outcome.data, input);
    call(callbacks.onSettled, outcome.data, outcome.error, input);
  }
}
