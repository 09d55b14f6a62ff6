import { APIPromise } from "../response/index";

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
export class ProcessPromise<Data = Blob> extends APIPromise<Data, ProcessResponse<Data>> {}

/**
 * When a call's steps happened. Instants are epoch milliseconds (`Date.now()`), to line up with server
 * logs; durations are milliseconds. For a video model `submittedAt − startedAt` is the time spent
 * validating, reading input files and uploading, `jobMs` the time the job took on the server (queued
 * and generating, as seen by polling), and `downloadMs` fetching the result. An image model makes one
 * request, which `downloadMs` covers whole.
 *
 * @example
 * ```ts
 * import type { ProcessTimings } from "@decart/core";
 *
 * const summary = (t: ProcessTimings) =>
 *   `${t.totalMs} ms in all; job ${t.jobMs ?? "-"} ms; download ${t.downloadMs} ms`;
 * ```
 */
export interface ProcessTimings {
  /** When `process()` was called. */
  startedAt: number;
  /** When the server accepted the job (video models; absent for image models). */
  submittedAt?: number;
  /** When the media had been received in full. */
  completedAt: number;
  /** From the call to the media in hand: `completedAt − startedAt`. */
  totalMs: number;
  /**
   * From the job accepted to its result being requested: time queued and generating, to the
   * resolution of polling (video models; absent for image models).
   */
  jobMs?: number;
  /**
   * The request that carried the media, retries included: a video's download, or for an image model
   * the whole generate request (upload, generation and download in one).
   */
  downloadMs: number;
}

/**
 * What `client.process(...).withResponse()` resolves: the media plus what a user needs to report or
 * reproduce the result.
 *
 * @example
 * ```ts
 * import type { ProcessResponse } from "@decart/core";
 *
 * const reportLine = (response: ProcessResponse) =>
 *   `${response.model} job=${response.jobId ?? "-"} request=${response.requestId ?? "-"} seed=${response.seed ?? "-"}`;
 * ```
 */
export interface ProcessResponse<Data = Blob> {
  /** The media, the same value `await client.process(...)` resolves. */
  data: Data;
  /** The server's job id (video models, which go through the job queue); quote it to support. */
  jobId?: string;
  /** The `x-request-id` of the response that carried the media, when the server sent one. */
  requestId?: string;
  /**
   * The seed of the result: the server's `x-decart-seed` header when it sends one (the emulator does,
   * including the seed it picked when none was given), otherwise the `seed` input you passed, if any.
   * Pass it back as `seed` to reproduce the result.
   */
  seed?: number;
  /** The name of the model that ran, such as `lucy-pro-t2v`. */
  model: string;
  /** When each step happened: see {@link ProcessTimings}. */
  timings: ProcessTimings;
}
