import { headers } from "../protocol/index";

/**
 * What `.withResponse()` of a call such as `client.tokens.create()` or `client.files.upload()` resolves:
 * the result, with the response's status, headers and request id.
 *
 * @example
 * ```ts
 * import { createDecartClient, type APIResponse, type ClientToken } from "@decart/core";
 *
 * const client = createDecartClient({ apiKey: process.env.DECART_API_KEY });
 * const { data, requestId, status }: APIResponse<ClientToken> = await client.tokens.create().withResponse();
 * console.log(data.expiresAt, requestId, status);
 * ```
 */
export interface APIResponse<Data> {
  /** The result, the same value awaiting the call's promise resolves. */
  data: Data;
  /** The HTTP status of the response that carried it. */
  status: number;
  /** The headers of that response. */
  headers: Headers;
  /** Its `x-request-id`, when the server sent one: quote it when reporting a problem. */
  requestId?: string;
}

/**
 * The promise an SDK call returns. Awaiting it gives the result, exactly as a plain `Promise<Data>`
 * would; `.withResponse()` gives the same call's result with what the response said about it
 * ({@link APIResponse}, or `ProcessResponse` for `client.process()`).
 *
 * The call starts once, when the method is called; `.withResponse()` starts nothing and can be called
 * any number of times, before or after the call settles. Both views settle with the same outcome: a
 * failure rejects `await promise` and `.withResponse()` with the same error. A promise whose
 * `.withResponse()` is never called behaves as if the method did not exist (no extra rejection is
 * left unhandled). Promises derived with `then`, `catch` or `finally` are plain promises.
 *
 * @example
 * ```ts
 * import { createDecartClient } from "@decart/core";
 *
 * const client = createDecartClient({ apiKey: process.env.DECART_API_KEY });
 * const token = await client.tokens.create({ expiresIn: 300 });
 * const { data, requestId } = await client.tokens.create().withResponse();
 * ```
 */
export class APIPromise<
  Data,
  Meta extends {
    /** The result, the same value awaiting the promise resolves. */
    data: Data;
  } = APIResponse<Data>,
> extends Promise<Data> {
  readonly #response: Promise<Meta>;
  #data: Promise<Data> | undefined;

  /** @internal Wraps the promise of a call's response; the client's methods build it. */
  constructor(response: Promise<Meta>) {
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
   * Resolves with the result and what the response said about it. Rejects with the same error as
   * awaiting the promise itself.
   *
   * @example
   * ```ts
   * declare const client: import("@decart/core").DecartClient;
   * const { data, requestId } = await client.tokens.create().withResponse();
   * ```
   */
  withResponse(): Promise<Meta> {
    return this.#response;
  }

  /** The result alone, derived from the response once, on first use. */
  #result(): Promise<Data> {
    this.#data ??= this.#response.then((response) => response.data);
    return this.#data;
  }

  // The signatures are Promise's own, `any` reasons included, so code written for a `Promise<Data>`
  // type-checks the same.
  // biome-ignore lint/suspicious/noThenProperty: a Promise subclass that delegates to the call's result
  override then<Fulfilled = Data, Rejected = never>(
    onFulfilled?: ((value: Data) => Fulfilled | PromiseLike<Fulfilled>) | null,
    // biome-ignore lint/suspicious/noExplicitAny: Promise's own signature
    onRejected?: ((reason: any) => Rejected | PromiseLike<Rejected>) | null,
  ): Promise<Fulfilled | Rejected> {
    return this.#result().then(onFulfilled, onRejected);
  }

  override catch<Rejected = never>(
    // biome-ignore lint/suspicious/noExplicitAny: Promise's own signature
    onRejected?: ((reason: any) => Rejected | PromiseLike<Rejected>) | null,
  ): Promise<Data | Rejected> {
    return this.#result().catch(onRejected);
  }

  override finally(onFinally?: (() => void) | null): Promise<Data> {
    return this.#result().finally(onFinally);
  }
}

/** The {@link APIResponse} of a successful response and the result read from it. */
export function apiResponse<Data>(response: Response, data: Data): APIResponse<Data> {
  const result: APIResponse<Data> = { data, status: response.status, headers: response.headers };
  const requestId = response.headers.get(headers.requestId);
  if (requestId) result.requestId = requestId;
  return result;
}
