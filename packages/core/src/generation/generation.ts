import type { DecartClient } from "../client/index";
import { asDecartError, type DecartSDKError } from "../errors/index";
import type { ProcessOptions } from "../jobs/index";
import type { ModelDefinition, ProgressEvent } from "../model/index";
import { abortError } from "../timing/index";

/**
 * Where one generation stands. Snapshots are immutable and only replaced when something changed, so
 * they can be returned from `useSyncExternalStore`'s `getSnapshot` as they are.
 *
 * @example
 * ```ts
 * import type { GenerationSnapshot } from "@decart/core";
 *
 * const label = (snapshot: GenerationSnapshot) =>
 *   snapshot.status === "pending" ? `${Math.round((snapshot.progress?.progress ?? 0) * 100)}%` : snapshot.status;
 * ```
 */
export interface GenerationSnapshot {
  /** `idle` before a start or after cancel/reset; `pending` while running; then `success` or `error`. */
  readonly status: "idle" | "pending" | "success" | "error";
  /** The result, once `success`. */
  readonly data?: Blob;
  /**
   * Why it failed, once `error`. Always an SDK error: anything else (a callback's exception, the
   * reason of an aborted caller's signal) is wrapped once, with the original as `cause`.
   */
  readonly error?: DecartSDKError;
  /** The latest progress report while pending, and after the run ends or is cancelled. */
  readonly progress?: ProgressEvent;
  /** The server's job id, for video models, once submitted; kept after `cancel()` (until `reset()`). */
  readonly jobId?: string;
}

/**
 * Listener called after every snapshot change.
 *
 * @example
 * ```ts
 * import type { GenerationListener } from "@decart/core";
 *
 * const listener: GenerationListener = (snapshot) => console.log(snapshot.status);
 * ```
 */
export type GenerationListener = (snapshot: GenerationSnapshot) => void;

const idle: GenerationSnapshot = /* @__PURE__ */ Object.freeze({ status: "idle" });

/**
 * The lifecycle of one generation as a small observable object: start, progress, result, cancel.
 * A new `start` cancels the one still running. UI adapters subscribe to it (React's `useProcess` reads
 * it through `useSyncExternalStore`; the CLI draws a progress bar from it). Every method is bound, so
 * `generation.start`, `generation.cancel`, `subscribe` and `getSnapshot` can be passed around as they are.
 *
 * @example
 * ```ts
 * import { createDecartClient, GenerationObserver } from "@decart/core";
 * import { models } from "@decart/models";
 *
 * const generation = new GenerationObserver(createDecartClient({ apiKey: "key" }));
 * const unsubscribe = generation.subscribe((snapshot) => console.log(snapshot.status, snapshot.progress?.progress));
 * await generation.start({ model: models.video("lucy-pro-t2v"), prompt: "A red kite over the sea" });
 * unsubscribe();
 * ```
 */
export class GenerationObserver {
  readonly #client: Pick<DecartClient, "process">;
  readonly #listeners = new Set<GenerationListener>();
  #snapshot: GenerationSnapshot = idle;
  #controller: AbortController | undefined;

  constructor(client: Pick<DecartClient, "process">) {
    this.#client = client;
  }

  /**
   * Calls `listener` after every change; returns the function that stops it.
   * @example
   * ```ts
   * declare const generation: import("@decart/core").GenerationObserver;
   * const stop = generation.subscribe(() => {});
   * stop();
   * ```
   */
  subscribe = (listener: GenerationListener): (() => void) => {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  };

  /**
   * The current snapshot (the same object until something changes).
   * @example
   * ```ts
   * declare const generation: import("@decart/core").GenerationObserver;
   * const { status } = generation.getSnapshot();
   * ```
   */
  getSnapshot = (): GenerationSnapshot => this.#snapshot;

  /**
   * Starts a generation, cancelling any that is still running. Resolves with the run's final snapshot
   * (`success`, `error`, or `idle` when it was cancelled or superseded); it never rejects.
   * @example
   * ```ts
   * declare const generation: import("@decart/core").GenerationObserver;
   * declare const model: import("@decart/core").ModelDefinition;
   * const final = await generation.start({ model });
   * if (final.status === "success") console.log(final.data?.type);
   * ```
   */
  start = async <M extends ModelDefinition>(options: ProcessOptions<M>): Promise<GenerationSnapshot> => {
    this.#controller?.abort(abortError("Superseded by a new generation"));
    const controller = new AbortController();
    this.#controller = controller;
    const outer = options.signal;
    const onOuterAbort = () => controller.abort(outer?.reason);
    if (outer?.aborted) controller.abort(outer.reason);
    else outer?.addEventListener("abort", onOuterAbort, { once: true });
    this.#set({ status: "pending" });
    const current = () => this.#controller === controller;
    try {
      const data = await this.#client.process({
        ...options,
        signal: controller.signal,
        onProgress: (event) => {
          if (current()) {
            const { jobId } = event;
            this.#set({ ...this.#snapshot, progress: event, ...(jobId ? { jobId } : {}) });
          }
          options.onProgress?.(event);
        },
      } as ProcessOptions<M>);
      if (!current()) return idle;
      this.#controller = undefined;
      this.#set({ ...this.#snapshot, status: "success", data });
    } catch (error) {
      if (!current()) return idle;
      this.#controller = undefined;
      if (controller.signal.aborted && error === controller.signal.reason && !outer?.aborted) {
        this.#set(idle);
      } else {
        this.#set({ ...this.#snapshot, status: "error", error: asDecartError(error) });
      }
    } finally {
      outer?.removeEventListener("abort", onOuterAbort);
    }
    return this.#snapshot;
  };

  /**
   * Cancels the running generation (the job is cancelled on the server) and returns to `idle`, keeping
   * the job id and the last progress report so the UI can still show which job was stopped.
   * @example
   * ```ts
   * declare const generation: import("@decart/core").GenerationObserver;
   * generation.cancel();
   * ```
   */
  cancel = (): void => {
    const controller = this.#controller;
    if (!controller) return;
    this.#controller = undefined;
    controller.abort(abortError("The generation was cancelled"));
    const { jobId, progress } = this.#snapshot;
    this.#set(
      jobId || progress
        ? { status: "idle", ...(jobId ? { jobId } : {}), ...(progress ? { progress } : {}) }
        : idle,
    );
  };

  /**
   * Cancels anything running and forgets the last result or error.
   * @example
   * ```ts
   * declare const generation: import("@decart/core").GenerationObserver;
   * generation.reset();
   * ```
   */
  reset = (): void => {
    this.cancel();
    this.#set(idle);
  };

  #set(next: GenerationSnapshot): void {
    if (next === this.#snapshot) return;
    this.#snapshot = next === idle ? idle : Object.freeze(next);
    for (const listener of [...this.#listeners]) listener(this.#snapshot);
  }
}

/**
 * Creates a {@link GenerationObserver} for a client.
 *
 * @example
 * ```ts
 * import { createDecartClient, createGeneration } from "@decart/core";
 *
 * const generation = createGeneration(createDecartClient({ apiKey: "key" }));
 * generation.subscribe((snapshot) => console.log(snapshot.status));
 * ```
 */
export function createGeneration(client: Pick<DecartClient, "process">): GenerationObserver {
  return new GenerationObserver(client);
}
