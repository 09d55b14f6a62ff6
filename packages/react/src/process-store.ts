import type { GenerationObserver, GenerationSnapshot } from "@decart/core";
import { ObjectUrlHolder } from "./object-url";

/** What the hook renders: the generation's snapshot and the object URL of its result. */
export interface ProcessSnapshot {
  readonly generation: GenerationSnapshot;
  /** The object URL of `generation.data`, created when the result arrived. */
  readonly url: string | undefined;
}

/**
 * The generation's snapshots plus an object URL for each result, for `useSyncExternalStore`. The URL
 * is made when a result arrives (never while rendering or reading a property) and revoked when the
 * result is replaced or cleared, and on `release()`. Snapshots are replaced only when something changed.
 */
export class ProcessStore {
  readonly #generation: GenerationObserver;
  readonly #urls = new ObjectUrlHolder();
  readonly #listeners = new Set<() => void>();
  /** Between `attach()` and `release()`: only then is a URL made for a result. */
  #attached = false;
  #snapshot: ProcessSnapshot;

  constructor(generation: GenerationObserver) {
    this.#generation = generation;
    this.#snapshot = { generation: generation.getSnapshot(), url: undefined };
    // Subscribing to an observer this store owns holds nothing outside it: a store made by a render
    // React discards is collected with its generation.
    generation.subscribe(() => this.#update(true));
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  };

  getSnapshot = (): ProcessSnapshot => this.#snapshot;

  /** Makes the URL of the current result again if `release()` revoked it (a remount after a hide). */
  attach(): void {
    this.#attached = true;
    this.#update(true);
  }

  /** Revokes the URL; the snapshot then has none until `attach()` (no result makes one meanwhile). */
  release(): void {
    this.#attached = false;
    this.#urls.release();
    this.#update(false);
  }

  #update(withUrl: boolean): void {
    const generation = this.#generation.getSnapshot();
    const url = withUrl && this.#attached ? this.#urls.urlFor(generation.data) : undefined;
    if (generation === this.#snapshot.generation && url === this.#snapshot.url) return;
    this.#snapshot = { generation, url };
    for (const listener of [...this.#listeners]) listener();
  }
}
