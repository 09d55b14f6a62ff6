import type { ProcessResponse } from "./process-response";

/**
 * The promise `client.process()` returns. Awaiting it gives the media, exactly as a plain
 * `Promise<Blob>` would; `.withResponse()` gives the same call's media together with what is needed to
 * report or reproduce it (job id, request id, seed, timings).
 *
 * The call starts once, when `process()` is called; `.withResponse()` starts nothing and can be called
 * any number of times, before or after the call settles. Both views settle with the same outcome: a
 * failure rejects `await promise` and `.withResponse()` with the same error. A promise whose
 * `.withResponse()` is never called behaves as if the method did not exist (no extra rejection is
 * left unhandled).
 *
 * @example
 * ```ts
 * import { createDecartClient } from "@decart/core";
 * import { models } from "@decart/models";
 *
 * const client = createDecartClient({ apiKey: "key" });
 * const { data, jobId, requestId, seed, timings } = await client
 *   .process({ model: models.video("lucy-pro-t2v"), prompt: "A lighthouse at dusk" })
 *   .withResponse();
 * console.log(data.type, jobId, requestId, seed, `${timings.totalMs} ms`);
 * ```
 */
export class ProcessPromise<Data = Blob> extends Promise<Data> {
  readonly #response: Promise<ProcessResponse<Data>>;
  #data: Promise<Data> | undefined;

  /** @internal Wraps the promise of a call's response; `client.process()` builds it. */
  constructor(response: Promise<ProcessResponse<Data>>) {
    // The base promise is settled at once and never used: every method below reads `#response`, so
    // the base promise neither rejects nor holds the data.
    super((resolve) => resolve(undefined as Data));
    this.#response = response;
  }

  /** Promises derived with `then`, `catch` or `finally` are plain promises. */
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  /**
   * Resolves with the media and the call's metadata: {@link ProcessResponse}. Rejects with the same
   * error as awaiting the promise itself.
   *
   * @example
   * ```ts
   * declare const client: import("@decart/core").DecartClient;
   * declare const model: import("@decart/core").ModelDefinition;
   * const { data, requestId, seed } = await client.process({ model }).withResponse();
   * ```
   */
  withResponse(): Promise<ProcessResponse<Data>> {
    return this.#response;
  }

  /** The media alone, derived from the response once, on first use. */
  #media(): Promise<Data> {
    this.#data ??= this.#response.then((response) => response.data);
    return this.#data;
  }

  // The signatures are Promise's own, `any` reasons included, so code written for a `Promise<Blob>`
  // type-checks the same.
  // biome-ignore lint/suspicious/noThenProperty: a Promise subclass that delegates to the call's result
  override then<Fulfilled = Data, Rejected = never>(
    onFulfilled?: ((value: Data) => Fulfilled | PromiseLike<Fulfilled>) | null,
    // biome-ignore lint/suspicious/noExplicitAny: Promise's own signature
    onRejected?: ((reason: any) => Rejected | PromiseLike<Rejected>) | null,
  ): Promise<Fulfilled | Rejected> {
    return this.#media().then(onFulfilled, onRejected);
  }

  override catch<Rejected = never>(
    // biome-ignore lint/suspicious/noExplicitAny: Promise's own signature
    onRejected?: ((reason: any) => Rejected | PromiseLike<Rejected>) | null,
  ): Promise<Data | Rejected> {
    return this.#media().catch(onRejected);
  }

  override finally(onFinally?: (() => void) | null): Promise<Data> {
    return this.#media().finally(onFinally);
  }
}
