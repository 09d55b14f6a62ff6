import {
  createGeneration,
  DecartSDKError,
  type GenerationObserver,
  type GenerationSnapshot,
  isDecartError,
  type ModelDefinition,
  type ModelInputs,
  type ProcessOptions,
  type ProgressEvent,
  type RequestControls,
} from "@decart/core";
import { useCallback, useEffect, useMemo, useSyncExternalStore } from "react";
import { ObjectUrlHolder } from "./object-url";
import { useDecartClient } from "./provider";

/**
 * Where the hook's current generation stands.
 *
 * @example
 * ```ts
 * import type { ProcessStatus } from "@decart/react";
 *
 * const labels: Record<ProcessStatus, string> = { idle: "Ready", pending: "Working…", success: "Done", error: "Failed" };
 * ```
 */
export type ProcessStatus = "idle" | "pending" | "success" | "error";

/**
 * What `process` accepts: the same options as `client.process` — a model and that model's inputs —
 * minus `signal`, which the hook manages (use `cancel()`).
 *
 * @example
 * ```ts
 * import type { UseProcessInput } from "@decart/react";
 * import { models } from "@decart/models";
 *
 * const model = models.image("lucy-pro-t2i");
 * const input: UseProcessInput<typeof model> = { model, prompt: "A futuristic cityscape", orientation: "portrait" };
 * ```
 */
export type UseProcessInput<Model extends ModelDefinition = ModelDefinition> = {
  /** The model to run, such as `models.image("lucy-pro-t2i")`; its definition types the other inputs. */
  model: Model;
} & ModelInputs<Model> &
  Omit<RequestControls, "signal">;

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
   * Starts a generation, cancelling the one still running (on the server too). Calls made in the same
   * tick are coalesced: only the last one is submitted. Resolves with the result, or `undefined` when
   * the call failed, was cancelled or was replaced — the outcome is also in `status`/`error`, so the
   * promise never rejects and needs no `catch`.
   */
  process: <Model extends ModelDefinition>(input: UseProcessInput<Model>) => Promise<Blob | undefined>;
  /** Cancels the running generation, on the server too. Does nothing when none is running. */
  cancel: () => void;
  /** Cancels anything running and returns to `idle`, dropping the result, its URL and the error. */
  reset: () => void;
  /** `idle` before the first call and after `reset`/`cancel`, then `pending`, `success` or `error`. */
  status: ProcessStatus;
  /** The result of the last successful generation. */
  data: Blob | undefined;
  /**
   * An object URL for `data`, for `<img src>`/`<video src>`/a download link. Created on first read,
   * revoked when `data` is replaced, on `reset()` and on unmount.
   */
  url: string | undefined;
  /** Why the last generation failed: a typed SDK error (`InvalidInputError`, `ProcessingError`…). */
  error: DecartSDKError | undefined;
  /** The last status report of the running generation (job status and 0..1 progress when known). */
  progress: ProgressEvent | undefined;
  /** The server's job id, for video models once submitted. */
  jobId: string | undefined;
}

const wrappedErrors = new WeakMap<Error, DecartSDKError>();

/**
 * The client only throws SDK errors (cancellation is not reported as an error), but the core snapshot
 * types `error` as `Error`; anything else is wrapped once, so the value stays stable across renders.
 */
function typedError(error: Error | undefined): DecartSDKError | undefined {
  if (error === undefined || isDecartError(error)) return error as DecartSDKError | undefined;
  let wrapped = wrappedErrors.get(error);
  if (wrapped === undefined) {
    wrapped = new DecartSDKError(error.message, { cause: error });
    wrappedErrors.set(error, wrapped);
  }
  return wrapped;
}

/** One hook instance's resources: the core generation, its object URL, and whether it is mounted. */
interface Session {
  generation: GenerationObserver;
  urls: ObjectUrlHolder;
  mounted: boolean;
  /** Bumped by every process/cancel/reset, so a deferred start knows it was superseded. */
  ticket: number;
}

/**
 * Runs generations with the client of the nearest {@link DecartProvider} and renders their lifecycle.
 * The state machine is `@decart/core`'s generation observable; the hook subscribes to it with
 * `useSyncExternalStore` and adds what is React-specific: cancel on unmount, StrictMode-safe mounting,
 * and object URLs for results.
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
 *   const { process, cancel, status, url, progress, error } = useProcess();
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
export function useProcess(): UseProcessResult {
  const client = useDecartClient();
  // Creating a generation has no side effects, so a discarded render leaves nothing behind.
  const session = useMemo<Session>(
    () => ({ generation: createGeneration(client), urls: new ObjectUrlHolder(), mounted: false, ticket: 0 }),
    [client],
  );
  const { generation, urls } = session;

  const subscribe = useCallback((listener: () => void) => generation.subscribe(listener), [generation]);
  const getSnapshot = useCallback(() => generation.getSnapshot(), [generation]);
  const snapshot: GenerationSnapshot = useSyncExternalStore(subscribe, getSnapshot, getSnapshot);

  useEffect(() => {
    session.mounted = true;
    return () => {
      session.mounted = false;
      // StrictMode unmounts and remounts synchronously; only a real unmount is still unmounted a
      // microtask later. Then the running job is cancelled and the URL revoked.
      queueMicrotask(() => {
        if (session.mounted) return;
        session.ticket += 1;
        session.generation.cancel();
        session.urls.release();
      });
    };
  }, [session]);

  const data = snapshot.data;
  useEffect(() => {
    urls.keepOnly(data);
  }, [urls, data]);

  const process = useCallback(
    <Model extends ModelDefinition>(input: UseProcessInput<Model>): Promise<Blob | undefined> => {
      session.ticket += 1;
      const ticket = session.ticket;
      return new Promise<void>((resolve) => queueMicrotask(resolve)).then(() => {
        if (ticket !== session.ticket) return undefined;
        return generation
          .start(input as ProcessOptions<Model>)
          .then((outcome) => (outcome.status === "success" ? outcome.data : undefined));
      });
    },
    [session, generation],
  );
  const cancel = useCallback(() => {
    session.ticket += 1;
    generation.cancel();
  }, [session, generation]);
  const reset = useCallback(() => {
    session.ticket += 1;
    generation.reset();
    urls.release();
  }, [session, generation, urls]);

  const status = snapshot.status;
  return {
    process,
    cancel,
    reset,
    status,
    data,
    get url() {
      return urls.urlFor(data);
    },
    error: typedError(snapshot.error),
    progress: snapshot.progress,
    jobId: snapshot.jobId,
  };
}
