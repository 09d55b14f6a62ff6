import type { DecartClient } from "../client/index";
import { contextOf } from "../client/index";
import { asDecartError } from "../errors/index";
import type { ClientContext } from "../jobs/index";
import { createQueue } from "../jobs/index";
import type { ModelDefinition } from "../model/index";
import { abortError, sleep } from "../timing/index";
import { attemptItem, type BatchEntry, type ItemHooks, newEntry } from "./batch-item";
import { itemKey } from "./batch-key";
import type {
  BatchEvent,
  BatchItem,
  BatchListener,
  BatchOptions,
  BatchOutcome,
  BatchSnapshot,
  BatchSummary,
} from "./batch-types";
import { ConcurrencyLimiter } from "./concurrency";

/**
 * What `createBatch()` takes: an array, or any (async) iterable, read lazily.
 *
 * @example
 * ```ts
 * import type { BatchSource } from "@decart/core";
 * import { models } from "@decart/models";
 *
 * async function* fromQueue(): AsyncGenerator<{ model: ReturnType<typeof models.video>; prompt: string }> {
 *   yield { model: models.video("lucy-pro-t2v"), prompt: "A red kite" };
 * }
 * const source: BatchSource = fromQueue();
 * ```
 */
export type BatchSource = Iterable<BatchItem> | AsyncIterable<BatchItem>;

const defaultConcurrency = 4;
/** The wait after a 429 without a `Retry-After`. */
const defaultRateLimitWaitMs = 1_000;
/** How long cancelling the jobs in flight may take when the batch is stopped. */
const cancelTimeoutMs = 3_000;

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | null)?.then === "function";
}

function toAsyncIterator(source: BatchSource): AsyncIterator<BatchItem> | Iterator<BatchItem> {
  if (source && typeof (source as AsyncIterable<BatchItem>)[Symbol.asyncIterator] === "function") {
    return (source as AsyncIterable<BatchItem>)[Symbol.asyncIterator]();
  }
  if (source && typeof (source as Iterable<BatchItem>)[Symbol.iterator] === "function") {
    return (source as Iterable<BatchItem>)[Symbol.iterator]();
  }
  throw new TypeError("createBatch() takes an array or an (async) iterable of process options");
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new TypeError(`${name} must be a whole number, 1 or more (got ${String(value)})`);
  }
  return value;
}

/**
 * Many generations as one run: bounded concurrency that backs off on 429 and grows back, per-item
 * outcomes (one failure never fails the batch), one signal that cancels every job in flight, and events
 * for a progress view. Items are read lazily with a bounded look-ahead, and outcomes are not kept: take
 * each one (save its `data`) as it comes.
 *
 * The run starts when something first listens: `subscribe()`, iterating it, or reading `done`. Iterate
 * it for the outcomes in completion order; a slow loop body holds back new items (at most `concurrency`
 * outcomes wait for it), and leaving the loop early cancels the rest.
 *
 * @example
 * ```ts
 * import { createBatch, createDecartClient } from "@decart/core";
 * import { models } from "@decart/models";
 *
 * const client = createDecartClient({ apiKey: "key" });
 * const prompts = ["A red kite", "A paper boat", "A glass city"];
 * const batch = createBatch(
 *   client,
 *   prompts.map((prompt) => ({ model: models.video("lucy-pro-t2v"), prompt })),
 *   { concurrency: 8 },
 * );
 * for await (const outcome of batch) {
 *   if (outcome.status === "completed") console.log(outcome.key, outcome.data?.size);
 *   else console.error(outcome.key, outcome.error?.message);
 * }
 * const summary = await batch.done;
 * console.log(`${summary.completed}/${summary.total} in ${summary.wallTimeMs} ms`);
 * ```
 */
export class BatchRun {
  readonly #context: ClientContext;
  readonly #source: BatchSource;
  readonly #limiter: ConcurrencyLimiter;
  readonly #lookAhead: number;
  readonly #controller = new AbortController();
  readonly #outerSignal: AbortSignal | undefined;
  readonly #beforeSubmit: BatchOptions["beforeSubmit"];
  readonly #listeners = new Set<BatchListener>();
  /** The listeners as an array, replaced when one comes or goes, so an event copies nothing. */
  #listenerList: readonly BatchListener[] = [];
  readonly #waiting: BatchEntry[] = [];
  /** Items in flight: the limiter's epoch when each started, and its own signal (aborted with the batch). */
  readonly #active = new Map<BatchEntry, { epoch: number; controller: AbortController }>();
  #iterator: AsyncIterator<BatchItem> | Iterator<BatchItem> | undefined;
  #reading = false;
  #allRead = false;
  #read = 0;
  #pausedUntil = 0;
  #pause: AbortController | undefined;
  #counts = { completed: 0, failed: 0, cancelled: 0, retries: 0, rateLimitWaits: 0, rateLimitWaitMs: 0 };
  #startedAt = 0;
  #state: BatchSnapshot["state"] = "idle";
  #snapshot: BatchSnapshot;
  #fatal: unknown;
  #done: Promise<BatchSummary> | undefined;
  #settle: ((summary: BatchSummary) => void) | undefined;
  #fail: ((error: unknown) => void) | undefined;
  #consumer: OutcomeBuffer | undefined;

  constructor(context: ClientContext, source: BatchSource, options: BatchOptions = {}) {
    const concurrency = positiveInteger(options.concurrency, defaultConcurrency, "concurrency");
    this.#lookAhead = positiveInteger(options.lookAhead, concurrency, "lookAhead");
    this.#limiter = new ConcurrencyLimiter(concurrency);
    this.#context = context;
    this.#source = source;
    this.#outerSignal = options.signal;
    this.#beforeSubmit = options.beforeSubmit;
    this.#snapshot = this.#makeSnapshot();
  }

  /**
   * Calls `listener` with every event and the snapshot after it; returns the function that stops it.
   * Starts the run if it has not started. A listener that throws does not disturb the run or the other
   * listeners: its error is reported as an uncaught exception, as an `EventTarget` listener's is.
   * @example
   * ```ts
   * declare const batch: import("@decart/core").BatchRun;
   * const stop = batch.subscribe((event, snapshot) => console.log(event.type, snapshot.completed));
   * stop();
   * ```
   */
  subscribe = (listener: BatchListener): (() => void) => {
    this.#listeners.add(listener);
    this.#listenerList = [...this.#listeners];
    this.#start();
    return () => {
      if (this.#listeners.delete(listener)) this.#listenerList = [...this.#listeners];
    };
  };

  /**
   * The current snapshot (the same object until something changes).
   * @example
   * ```ts
   * declare const batch: import("@decart/core").BatchRun;
   * const { running, queued } = batch.getSnapshot();
   * ```
   */
  getSnapshot = (): BatchSnapshot => {
    this.#update();
    return this.#snapshot;
  };

  /**
   * Stops the batch: no new item starts, every job in flight is cancelled on the server, and the
   * remaining outcomes are `cancelled`. `done` resolves once the cancel requests have been answered.
   * @example
   * ```ts
   * declare const batch: import("@decart/core").BatchRun;
   * batch.cancel();
   * ```
   */
  cancel = (reason?: unknown): void => {
    if (!this.#controller.signal.aborted)
      this.#controller.abort(reason ?? abortError("The batch was cancelled"));
  };

  /**
   * Resolves with the summary once every item has settled (and, when cancelled, every cancel request
   * has been answered). It rejects only when `items` itself throws. Reading it starts the run.
   * @example
   * ```ts
   * declare const batch: import("@decart/core").BatchRun;
   * const { completed, failed, wallTimeMs } = await batch.done;
   * ```
   */
  get done(): Promise<BatchSummary> {
    this.#start();
    return this.#done as Promise<BatchSummary>;
  }

  /**
   * The outcomes in completion order. One loop at a time; leaving it early cancels the batch.
   * @example
   * ```ts
   * declare const batch: import("@decart/core").BatchRun;
   * for await (const outcome of batch) console.log(outcome.index, outcome.status);
   * ```
   */
  [Symbol.asyncIterator](): AsyncIterator<BatchOutcome> {
    if (this.#consumer) throw new TypeError("A batch can be iterated by one loop only");
    const consumer = new OutcomeBuffer(() => this.#pump(), this.cancel);
    this.#consumer = consumer;
    this.#start();
    if (this.#state === "done") consumer.close(this.#fatal);
    return consumer;
  }

  #start(): void {
    if (this.#done) return;
    this.#done = new Promise((resolve, reject) => {
      this.#settle = resolve;
      this.#fail = reject;
    });
    // A caller who only reads `done` on failure should not see an unhandled rejection warning.
    this.#done.catch(() => undefined);
    this.#startedAt = Date.now();
    this.#state = "running";
    try {
      this.#iterator = toAsyncIterator(this.#source);
    } catch (error) {
      this.#fatal = error;
      this.#allRead = true;
    }
    // Cancelled before it started (an aborted signal, or `cancel()` while idle): settle at once.
    const outer = this.#outerSignal;
    if (outer?.aborted) this.cancel(outer.reason);
    else outer?.addEventListener("abort", this.#onOuterAbort, { once: true });
    if (this.#controller.signal.aborted) queueMicrotask(() => this.#onCancel());
    else this.#controller.signal.addEventListener("abort", () => this.#onCancel(), { once: true });
    queueMicrotask(() => this.#pump());
  }

  #onOuterAbort = () => this.cancel(this.#outerSignal?.reason);

  #onCancel(): void {
    this.#pause?.abort();
    const reason = this.#controller.signal.reason;
    // One signal per item, not one listener per item on the batch's signal (thousands would trip Node's warning).
    for (const { controller } of this.#active.values()) controller.abort(reason);
    for (const entry of this.#waiting.splice(0)) this.#settleEntry(entry, this.#cancelled(entry, reason));
    void this.#closeSource();
    this.#pump();
  }

  #cancelled(entry: BatchEntry, reason: unknown): BatchOutcome {
    const outcome: BatchOutcome = { index: entry.index, key: entry.key, status: "cancelled" };
    if (entry.jobId !== undefined) outcome.jobId = entry.jobId;
    outcome.error = asDecartError(reason);
    return outcome;
  }

  async #closeSource(): Promise<void> {
    this.#allRead = true;
    try {
      await this.#iterator?.return?.();
    } catch {
      // The source's own cleanup failing does not change how the batch ends.
    }
  }

  /** Starts what may start, reads ahead what may be read, and finishes when nothing is left. */
  #pump(): void {
    if (this.#state !== "running") return;
    this.#launchReady();
    if (this.#wantsMore() && !this.#reading) void this.#readAhead();
    if (this.#allRead && !this.#reading && this.#waiting.length === 0 && this.#active.size === 0) {
      void this.#finish();
    }
  }

  /** Starts the waiting items that may start now. */
  #launchReady(): void {
    if (this.#controller.signal.aborted) return;
    while (
      this.#waiting.length > 0 &&
      this.#active.size < this.#limiter.limit &&
      Date.now() >= this.#pausedUntil &&
      !(this.#consumer?.full(this.#limiter.max) ?? false)
    ) {
      this.#launch(this.#waiting.shift() as BatchEntry);
    }
  }

  #wantsMore(): boolean {
    return !this.#controller.signal.aborted && !this.#allRead && this.#waiting.length < this.#lookAhead;
  }

  /**
   * Reads items while the look-ahead has room, starting each as soon as it may, as one `#pump` per item
   * would. An array or a generator is read without awaiting (and so is the key of an item without
   * files): a promise per item costs more than the rest of reading it.
   */
  async #readAhead(): Promise<void> {
    this.#reading = true;
    try {
      do {
        const pending = (this.#iterator as AsyncIterator<BatchItem> | Iterator<BatchItem>).next();
        const next = isPromiseLike(pending) ? await pending : pending;
        if (next.done) {
          this.#allRead = true;
          break;
        }
        const item = next.value;
        const key = typeof item?.key === "string" ? item.key : itemKey(item);
        const entry = newEntry(this.#read++, typeof key === "string" ? key : await key, item);
        if (this.#controller.signal.aborted)
          this.#settleEntry(entry, this.#cancelled(entry, this.#controller.signal.reason));
        else this.#waiting.push(entry);
        this.#launchReady();
      } while (this.#wantsMore());
    } catch (error) {
      this.#fatal ??= error;
      this.#allRead = true;
      this.cancel(error);
    } finally {
      this.#reading = false;
    }
    this.#pump();
  }

  // Events are built only when someone listens: a batch read by a `for await` loop alone has none.
  #hooks: ItemHooks = {
    submitting: (entry) => {
      const { index, key, idempotencyKey } = entry;
      if (this.#listeners.size > 0) this.#emit({ type: "submitting", index, key, idempotencyKey });
      return this.#beforeSubmit?.({ index, key, idempotencyKey });
    },
    submitted: (entry) => {
      if (this.#listeners.size === 0) return;
      this.#emit({ type: "submitted", index: entry.index, key: entry.key, jobId: entry.jobId as string });
    },
    progress: (entry, progress) => {
      if (this.#listeners.size > 0)
        this.#emit({ type: "progress", index: entry.index, key: entry.key, progress });
    },
  };

  #launch(entry: BatchEntry): void {
    const controller = new AbortController();
    const epoch = this.#limiter.epoch;
    this.#active.set(entry, { epoch, controller });
    if (this.#listeners.size > 0) this.#emit({ type: "started", index: entry.index, key: entry.key });
    void attemptItem(this.#context, entry, controller.signal, this.#hooks).then((attempt) => {
      this.#active.delete(entry);
      if ("outcome" in attempt) {
        if (attempt.outcome.status === "completed") this.#limiter.onSuccess();
        this.#settleEntry(entry, attempt.outcome);
      } else if (this.#controller.signal.aborted) {
        this.#settleEntry(entry, this.#cancelled(entry, this.#controller.signal.reason));
      } else {
        this.#limiter.onRateLimit(epoch);
        this.#counts.retries++;
        this.#waiting.unshift(entry);
        const retryAfter = attempt.rateLimited.retryAfter;
        const waitMs = retryAfter === undefined ? defaultRateLimitWaitMs : retryAfter * 1000;
        this.#emit({
          type: "rate-limited",
          index: entry.index,
          key: entry.key,
          waitMs,
          concurrency: this.#limiter.limit,
        });
        this.#pauseFor(waitMs);
      }
      this.#pump();
    });
  }

  /** Holds back new items until `waitMs` from now (a later 429 may extend the pause, never shorten it). */
  #pauseFor(waitMs: number): void {
    const until = Date.now() + waitMs;
    if (until <= this.#pausedUntil) return;
    this.#pausedUntil = until;
    this.#pause?.abort();
    const pause = new AbortController();
    this.#pause = pause;
    this.#counts.rateLimitWaits++;
    const began = Date.now();
    sleep(waitMs, pause.signal).then(
      () => {
        this.#counts.rateLimitWaitMs += Date.now() - began;
        if (this.#pause === pause) this.#pause = undefined;
        this.#pump();
      },
      () => {
        this.#counts.rateLimitWaitMs += Date.now() - began;
      },
    );
  }

  #settleEntry(entry: BatchEntry, outcome: BatchOutcome): void {
    entry.item = undefined;
    this.#counts[outcome.status]++;
    this.#emit({ type: "outcome", outcome });
    this.#consumer?.push(outcome);
  }

  async #finish(): Promise<void> {
    this.#state = "done";
    this.#pause?.abort();
    this.#outerSignal?.removeEventListener("abort", this.#onOuterAbort);
    await this.#pendingCancels;
    const { completed, failed, cancelled, retries, rateLimitWaits, rateLimitWaitMs } = this.#counts;
    const summary: BatchSummary = {
      total: this.#read,
      completed,
      failed,
      cancelled,
      retries,
      rateLimitWaits,
      rateLimitWaitMs,
      wallTimeMs: Date.now() - this.#startedAt,
    };
    this.#emit({ type: "done", summary });
    this.#consumer?.close(this.#fatal);
    if (this.#fatal !== undefined) this.#fail?.(this.#fatal);
    else this.#settle?.(summary);
  }

  /** Cancel requests for the jobs that were in flight when the batch was stopped. */
  get #pendingCancels(): Promise<unknown> {
    if (!this.#controller.signal.aborted) return Promise.resolve();
    return Promise.all(this.#cancelRequests);
  }

  #cancelRequests: Promise<unknown>[] = [];

  /** Asks the server to cancel a job, within a short time limit; never rejects. */
  #cancelJob(jobId: string): void {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), cancelTimeoutMs);
    this.#cancelRequests.push(
      createQueue(this.#context)
        .cancel(jobId, { signal: controller.signal })
        .catch(() => undefined)
        .finally(() => clearTimeout(timer)),
    );
  }

  #emit(event: BatchEvent): void {
    if (event.type === "outcome" && event.outcome.status === "cancelled" && event.outcome.jobId) {
      if (this.#controller.signal.aborted) this.#cancelJob(event.outcome.jobId);
    }
    if (this.#listeners.size === 0) return;
    this.#update();
    for (const listener of this.#listenerList) {
      try {
        listener(event, this.#snapshot);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  #makeSnapshot(): BatchSnapshot {
    return Object.freeze({
      state: this.#state,
      running: this.#active.size,
      queued: this.#waiting.length,
      ...this.#countsSnapshot(),
      concurrency: this.#limiter.limit,
      allRead: this.#allRead,
      total: this.#read,
    });
  }

  #countsSnapshot() {
    const { completed, failed, cancelled } = this.#counts;
    return { completed, failed, cancelled };
  }

  /** Replaces the snapshot when something in it changed (lazily: when a listener or a caller reads it). */
  #update(): void {
    const previous = this.#snapshot;
    const { completed, failed, cancelled } = this.#counts;
    const same =
      previous.state === this.#state &&
      previous.running === this.#active.size &&
      previous.queued === this.#waiting.length &&
      previous.completed === completed &&
      previous.failed === failed &&
      previous.cancelled === cancelled &&
      previous.concurrency === this.#limiter.limit &&
      previous.allRead === this.#allRead &&
      previous.total === this.#read;
    if (!same) this.#snapshot = this.#makeSnapshot();
  }
}

/** The outcomes waiting for a `for await` loop, and the loop waiting for them. */
class OutcomeBuffer implements AsyncIterator<BatchOutcome> {
  readonly #buffer: BatchOutcome[] = [];
  #waiter:
    | { resolve: (result: IteratorResult<BatchOutcome>) => void; reject: (error: unknown) => void }
    | undefined;
  #closed = false;
  #error: unknown;
  readonly #onTake: () => void;
  readonly #onLeave: () => void;

  constructor(onTake: () => void, onLeave: () => void) {
    this.#onTake = onTake;
    this.#onLeave = onLeave;
  }

  /** Whether the loop has fallen behind by `limit` outcomes, so no new item should start. */
  full(limit: number): boolean {
    return this.#buffer.length >= limit;
  }

  push(outcome: BatchOutcome): void {
    if (this.#waiter) {
      const waiter = this.#waiter;
      this.#waiter = undefined;
      waiter.resolve({ value: outcome, done: false });
    } else if (!this.#closed) this.#buffer.push(outcome);
  }

  close(error: unknown): void {
    this.#closed = true;
    this.#error = error;
    if (this.#waiter && this.#buffer.length === 0) {
      const waiter = this.#waiter;
      this.#waiter = undefined;
      if (error !== undefined) waiter.reject(error);
      else waiter.resolve({ value: undefined, done: true });
    }
  }

  next(): Promise<IteratorResult<BatchOutcome>> {
    const outcome = this.#buffer.shift();
    if (outcome) {
      this.#onTake();
      return Promise.resolve({ value: outcome, done: false });
    }
    if (this.#closed) {
      const error = this.#error;
      this.#error = undefined;
      return error !== undefined ? Promise.reject(error) : Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<BatchOutcome>> {
    if (!this.#closed) this.#onLeave();
    this.#closed = true;
    this.#buffer.length = 0;
    return Promise.resolve({ value: undefined, done: true });
  }
}

/**
 * Runs many generations as one batch with a client: bounded concurrency that backs off on 429s, an
 * outcome per item in completion order, one signal for all. Items (an array or any iterable, async too)
 * are read lazily. A separate import rather than a client method, so apps that never batch do not
 * bundle it. See {@link BatchRun}.
 *
 * @example
 * ```ts
 * import { createBatch, createDecartClient } from "@decart/core";
 * import { models } from "@decart/models";
 *
 * const client = createDecartClient({ apiKey: "key" });
 * const batch = createBatch(
 *   client,
 *   ["A red kite", "A paper boat"].map((prompt) => ({ model: models.video("lucy-pro-t2v"), prompt })),
 *   { concurrency: 8 },
 * );
 * for await (const outcome of batch) console.log(outcome.key, outcome.status);
 * ```
 */
export function createBatch<M extends ModelDefinition>(
  client: DecartClient,
  items: Iterable<BatchItem<M>> | AsyncIterable<BatchItem<M>>,
  options?: BatchOptions,
): BatchRun {
  return new BatchRun(contextOf(client), items as BatchSource, options);
}
