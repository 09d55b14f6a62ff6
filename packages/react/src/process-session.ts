import {
  createGeneration,
  type DecartClient,
  type GenerationObserver,
  type ModelDefinition,
  type ProcessOptions,
} from "@decart/core";
import { notifySettled, type ProcessCallbacks } from "./process-callbacks";
import type { UseProcessInput } from "./process-input";
import { ProcessStore } from "./process-store";

/** One call of `process`/`processAsync`; `cancelled` says why it was stopped, once it was. */
interface Call {
  cancelled: string | undefined;
}

/**
 * One hook instance's resources and calls: the core generation, the store React reads, whether the
 * component is mounted, and the latest call. Creating one has no side effects, so a render React
 * discards leaves nothing behind.
 */
export class ProcessSession {
  readonly generation: GenerationObserver;
  readonly store: ProcessStore;
  /** The hook's own callbacks, as of the last commit. */
  callbacks: ProcessCallbacks | undefined;
  mounted = false;
  /** Set by {@link dispose} until the component is shown again: a call then starts nothing. */
  #disposed = false;
  #latest: Call | undefined;

  constructor(client: DecartClient) {
    this.generation = createGeneration(client);
    this.store = new ProcessStore(this.generation);
  }

  /**
   * Starts a generation after a microtask, so calls made in the same tick are coalesced: only the
   * last one is submitted. Resolves with the result; rejects with the typed SDK error of a failure, or
   * with a `DOMException` named `AbortError` when the call was cancelled, reset, replaced or unmounted.
   */
  async run<Model extends ModelDefinition>(
    input: UseProcessInput<Model>,
    callbacks: ProcessCallbacks<Model> | undefined,
  ): Promise<Blob> {
    this.#stop("Replaced by a newer call");
    const call: Call = { cancelled: undefined };
    this.#latest = call;
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    if (call.cancelled) throw new DOMException(call.cancelled, "AbortError");
    // A `process` kept past unmount (awaited after a file picker, say) would run a job nobody sees.
    if (this.#disposed) throw new DOMException("The component unmounted", "AbortError");
    const outcome = await this.generation.start(input as ProcessOptions<Model>);
    const own = this.mounted ? callbacks : undefined;
    const hook = this.callbacks as ProcessCallbacks<Model> | undefined;
    if (outcome.status === "success" && outcome.data) {
      notifySettled({ data: outcome.data }, input, hook, own);
      return outcome.data;
    }
    if (outcome.status === "error" && outcome.error) {
      notifySettled({ error: outcome.error }, input, hook, own);
      throw outcome.error;
    }
    throw new DOMException(call.cancelled ?? "The generation was cancelled", "AbortError");
  }

  /** Cancels the running call (on the server too). */
  cancel(reason = "The generation was cancelled"): void {
    this.#stop(reason);
    this.generation.cancel();
  }

  /** Cancels, and forgets the result and the error (the store revokes the URL as the result goes). */
  reset(): void {
    this.#stop("The generation was reset");
    this.generation.reset();
  }

  /** The component unmounted for good: stop the job and revoke the URL; later calls start nothing. */
  dispose(): void {
    this.#disposed = true;
    this.cancel("The component unmounted");
    this.store.release();
  }

  /** The component is shown again (after a hide that ran its cleanups): calls start jobs again. */
  revive(): void {
    this.#disposed = false;
  }

  #stop(reason: string): void {
    if (this.#latest) this.#latest.cancelled ??= reason;
    this.#latest = undefined;
  }
}
