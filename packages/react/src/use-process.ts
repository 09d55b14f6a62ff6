import type { DecartSDKError, ModelDefinition, ProgressEvent } from "@decart/core";
import { useCallback, useEffect, useMemo, useSyncExternalStore } from "react";
import type { ProcessCallbacks } from "./process-callbacks";
import type { ProcessStatus, UseProcessInput } from "./process-input";
import { ProcessSession } from "./process-session";
import { useDecartClient } from "./provider";

/**
 * Options of {@link useProcess}: callbacks run for every generation the hook finishes, before the
 * call's own (see {@link ProcessCallbacks}). The latest ones are used, so inline functions are fine.
 *
 * @example
 * ```ts
 * import type { UseProcessOptions } from "@decart/react";
 *
 * const options: UseProcessOptions = { onError: (error) => console.error(error.requestId, error.message) };
 * ```
 */
export type UseProcessOptions = ProcessCallbacks;

/**
 * What {@link useProcess} returns.
 *
 * @example
 * ```tsx
 * import type { UseProcessResult } from "@decart/react";
 *
 * function Result({ state }: { state: UseProcessResult }) {
 *   if (state.status === "error") return <p role="alert">{state.error?.message}</p>;
 *   return state.url ? <img src={state.url} alt="Result" /> : null;
 * }
 * ```
 */
export interface UseProcessResult {
  /**
   * Starts a generation, cancelling the one still running (on the server too), and forgets its
   * promise: the outcome is in `status`/`error` and the callbacks. Calls made in the same tick are
   * coalesced: only the last one is submitted. The returned promise resolves with the result, or
   * `undefined` when the call failed, was cancelled or was replaced; it never rejects and needs no `catch`.
   */
  process: <Model extends ModelDefinition>(
    input: UseProcessInput<Model>,
    callbacks?: ProcessCallbacks<Model>,
  ) => Promise<Blob | undefined>;
  /**
   * `process`, for awaiting (TanStack's `mutateAsync`): resolves with the result; rejects with the
   * typed SDK error when the generation fails, and with a `DOMException` named `AbortError` when it is
   * cancelled — by `cancel()`, `reset()`, a newer call or unmounting — so the two are told apart with
   * `error.name === "AbortError"` (or `isDecartError(error)`). Handle its rejection.
   */
  processAsync: <Model extends ModelDefinition>(
    input: UseProcessInput<Model>,
    callbacks?: ProcessCallbacks<Model>,
  ) => Promise<Blob>;
  /** Cancels the running generation, on the server too. Does nothing when none is running. */
  cancel: () => void;
  /** Cancels anything running and returns to `idle`, dropping the result, its URL and the error. */
  reset: () => void;
  /** `idle` before the first call and after `reset`/`cancel`, then `pending`, `success` or `error`. */
  status: ProcessStatus;
  /** The result of the last successful generation. */
  data: Blob | undefined;
  /**
   * An object URL for `data`, for `<img src>`/`<video src>`/a download link. Made when the result
   * arrives (reading it has no effect), revoked when `data` is replaced, on `reset()` and on unmount.
   */
  url: string | undefined;
  /** Why the last generation failed: a typed SDK error (`InvalidInputError`, `ProcessingError`…). */
  error: DecartSDKError | undefined;
  /** The last status report of the running generation (job status and 0..1 progress when known). */
  progress: ProgressEvent | undefined;
  /** The server's job id, for video models once submitted. */
  jobId: string | undefined;
}

/**
 * Runs generations with the client of the nearest {@link DecartProvider} and renders their lifecycle,
 * shaped like TanStack Query's `useMutation`. The state machine is `@decart/core`'s generation
 * observable; the hook subscribes to it with `useSyncExternalStore` and adds what is React-specific:
 * cancel on unmount, StrictMode-safe mounting, object URLs for results, and callbacks.
 *
 * `process` is typed per model exactly like `client.process`: the fields of `models.video("lucy-pro-t2v")`
 * are not those of `models.video("lucy-pro-v2v")`, and a wrong field is a type error.
 *
 * @example
 * ```tsx
 * import { useProcess } from "@decart/react";
 * import { models } from "@decart/models";
 *
 * export function Generate() {
 *   const { process, cancel, status, url, progress, error } = useProcess({
 *     onError: (failure) => console.error(failure.code, failure.requestId),
 *   });
 *   return (
 *     <div>
 *       <button onClick={() => process({ model: models.video("lucy-pro-t2v"), prompt: "A lake at dawn" })}>
 *         Generate
 *       </button>
 *       {status === "pending" && <button onClick={cancel}>Cancel ({Math.round((progress?.progress ?? 0) * 100)}%)</button>}
 *       {url && <video src={url} autoPlay loop muted />}
 *       {error && <p role="alert">{error.message}</p>}
 *     </div>
 *   );
 * }
 * ```
 */
export function useProcess(options?: UseProcessOptions): UseProcessResult {
  const client = useDecartClient();
  const session = useMemo(() => new ProcessSession(client), [client]);
  const { store } = session;
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);

  useEffect(() => {
    session.callbacks = options;
  });
  useEffect(() => {
    session.mounted = true;
    session.revive();
    session.store.attach();
    return () => {
      session.mounted = false;
      // StrictMode unmounts and remounts synchronously; only a real unmount is still unmounted a
      // microtask later. Then the running job is cancelled and the URL revoked.
      queueMicrotask(() => {
        if (!session.mounted) session.dispose();
      });
    };
  }, [session]);

  const processAsync = useCallback(
    <Model extends ModelDefinition>(input: UseProcessInput<Model>, callbacks?: ProcessCallbacks<Model>) =>
      session.run(input, callbacks),
    [session],
  );
  const process = useCallback(
    <Model extends ModelDefinition>(input: UseProcessInput<Model>, callbacks?: ProcessCallbacks<Model>) =>
      session.run(input, callbacks).catch(() => undefined),
    [session],
  );
  const cancel = useCallback(() => session.cancel(), [session]);
  const reset = useCallback(() => session.reset(), [session]);

  const { generation, url } = snapshot;
  return {
    process,
    processAsync,
    cancel,
    reset,
    status: generation.status,
    data: generation.data,
    url,
    error: generation.error,
    progress: generation.progress,
    jobId: generation.jobId,
  };
}
