import { HttpError } from "../http/index";

interface Waiting {
  readonly start: () => void;
  readonly signal: AbortSignal;
  readonly onAbort: () => void;
}

/**
 * Admits at most `maxConcurrent` tasks at once and keeps at most `maxQueued` waiting; past that it
 * refuses with a 429 that carries a `Retry-After` estimated from recent task durations.
 */
export class WorkQueue {
  private running = 0;
  private readonly waiting: Waiting[] = [];
  private averageMs = 2000;

  constructor(
    private readonly maxConcurrent: number,
    private readonly maxQueued: number,
  ) {}

  /** Tasks running now. */
  get active(): number {
    return this.running;
  }

  /** Tasks waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Throws the 429 when a new task would be refused. */
  assertRoom(): void {
    if (this.running < this.maxConcurrent || this.waiting.length < this.maxQueued) return;
    const seconds = Math.min(
      60,
      Math.max(1, Math.ceil((this.averageMs * (this.waiting.length + 1)) / this.maxConcurrent / 1000)),
    );
    throw new HttpError(
      429,
      "RATE_LIMITED",
      `The emulator is busy (${this.running} running, ${this.waiting.length} queued); retry in ${seconds} s`,
      { "retry-after": String(seconds) },
    );
  }

  /**
   * Runs `task` when a slot is free. Throws the 429 synchronously when the queue is full; rejects with
   * `signal.reason` when the signal aborts while the task waits. `onStart` runs as the task gets its slot.
   */
  run<T>(task: () => Promise<T>, signal: AbortSignal, onStart?: () => void): Promise<T> {
    this.assertRoom();
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        this.running++;
        const began = performance.now();
        onStart?.();
        let outcome: Promise<T>;
        try {
          outcome = task();
        } catch (error) {
          outcome = Promise.reject(error);
        }
        outcome
          .finally(() => {
            this.running--;
            this.averageMs = this.averageMs * 0.7 + (performance.now() - began) * 0.3;
            this.pump();
          })
          .then(resolve, reject);
      };
      if (this.running < this.maxConcurrent) {
        start();
        return;
      }
      const entry: Waiting = {
        start,
        signal,
        onAbort: () => {
          const index = this.waiting.indexOf(entry);
          if (index >= 0) this.waiting.splice(index, 1);
          reject(signal.reason);
        },
      };
      signal.addEventListener("abort", entry.onAbort, { once: true });
      this.waiting.push(entry);
    });
  }

  private pump(): void {
    while (this.running < this.maxConcurrent) {
      const next = this.waiting.shift();
      if (!next) return;
      next.signal.removeEventListener("abort", next.onAbort);
      next.start();
    }
  }
}
