import {
  type DecartClient,
  DecartSDKError,
  isDecartError,
  type ModelDefinition,
  type ProcessOptions,
  type ProgressEvent,
} from "@decart/core";

/** Where a generation stands. */
export type GenerationStatus = "idle" | "pending" | "success" | "error";

/** An immutable view of a generation; a new object on every change. */
export interface GenerationSnapshot {
  status: GenerationStatus;
  data?: Blob;
  error?: DecartSDKError;
  progress?: ProgressEvent;
  jobId?: string;
}

/** The lifecycle of one generation at a time: start, progress, cancel, result. */
export interface Generation {
  subscribe(listener: () => void): () => void;
  getSnapshot(): GenerationSnapshot;
  start<Model extends ModelDefinition>(options: ProcessOptions<Model>): Promise<Blob>;
  cancel(): void;
  reset(): void;
}

const idle: GenerationSnapshot = Object.freeze({ status: "idle" });

// The lifecycle observable belongs in @decart/core (see the report); this is the same contract, kept
// minimal, driving `client.process` until core exports its own.
export function createGeneration(client: DecartClient): Generation {
  const listeners = new Set<() => void>();
  let snapshot = idle;
  let controller: AbortController | undefined;

  const publish = (next: GenerationSnapshot) => {
    snapshot = Object.freeze(next);
    for (const listener of [...listeners]) listener();
  };
  const abortRunning = () => {
    if (controller === undefined) return false;
    controller.abort(new DOMException("The generation was cancelled", "AbortError"));
    controller = undefined;
    return true;
  };

  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    getSnapshot: () => snapshot,
    start(options) {
      abortRunning();
      const own = new AbortController();
      controller = own;
      publish({ status: "pending" });
      const userOnProgress = options.onProgress;
      const running = client.process({
        ...options,
        signal: own.signal,
        onProgress: (event: ProgressEvent) => {
          if (controller === own) {
            publish({ ...snapshot, progress: event, jobId: event.jobId ?? snapshot.jobId });
          }
          userOnProgress?.(event);
        },
      });
      running.then(
        (data) => {
          if (controller !== own) return;
          controller = undefined;
          publish({ status: "success", data, progress: snapshot.progress, jobId: snapshot.jobId });
        },
        (error: unknown) => {
          if (controller !== own) return;
          controller = undefined;
          const typed = isDecartError(error)
            ? (error as DecartSDKError)
            : new DecartSDKError(error instanceof Error ? error.message : String(error), { cause: error });
          publish({ status: "error", error: typed, progress: snapshot.progress, jobId: snapshot.jobId });
        },
      );
      return running;
    },
    cancel() {
      if (abortRunning()) publish({ status: "idle", progress: snapshot.progress, jobId: snapshot.jobId });
    },
    reset() {
      abortRunning();
      if (snapshot !== idle) {
        snapshot = idle;
        for (const listener of [...listeners]) listener();
      }
    },
  };
}
