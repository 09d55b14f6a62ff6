import type { ClientContext } from "./context";
import type { ProgressEvent } from "./job";
import type { ModelDefinition } from "./model";
import { type ProcessOptions, runProcess } from "./process";
import { ProcessPromise } from "./process-promise";
import { headers } from "./protocol/headers";
import type { Transport } from "./transport";

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

/** What the media request left behind: its headers and how long it took. */
interface MediaRecord {
  headers: Headers;
  sentAt: number;
}

/**
 * A transport whose `blob` reads keep their response headers: in a `process()` call the only Blob read
 * is the one that carries the media (the generate request, or a job's content download).
 */
function recordingTransport(transport: Transport, record: (media: MediaRecord) => void): Transport {
  return {
    ...transport,
    blob(call) {
      const sentAt = Date.now();
      // The Blob the transport read, not a copy of it: only the headers are taken on the way.
      return transport.blob(call, (response) => record({ headers: response.headers, sentAt }));
    },
  };
}

/** The seed from `x-decart-seed`, or else the one given as input. */
function seedOf(headerValue: string | null, input: unknown): number | undefined {
  const fromServer = headerValue === null || headerValue.trim() === "" ? Number.NaN : Number(headerValue);
  if (Number.isFinite(fromServer)) return fromServer;
  return typeof input === "number" ? input : undefined;
}

/** Runs `client.process()` and collects its metadata on the way. */
async function processRecorded(context: ClientContext, options: ProcessOptions): Promise<ProcessResponse> {
  const startedAt = Date.now();
  let jobId: string | undefined;
  let submittedAt: number | undefined;
  let media: MediaRecord | undefined;
  const recorded: ClientContext = {
    ...context,
    transport: recordingTransport(context.transport, (record) => {
      media = record;
    }),
  };
  const onProgress = options?.onProgress;
  const record = (event: ProgressEvent) => {
    if (event.jobId !== undefined && jobId === undefined) {
      jobId = event.jobId;
      submittedAt = Date.now();
    }
    onProgress?.(event);
  };
  // An onProgress that is not a function is passed on as given, for runProcess to refuse before sending.
  const data = await runProcess(recorded, {
    ...options,
    onProgress: typeof onProgress === "function" || onProgress === undefined ? record : onProgress,
  });
  const completedAt = Date.now();
  const sentAt = media?.sentAt ?? startedAt;
  const timings: ProcessTimings = {
    startedAt,
    completedAt,
    totalMs: completedAt - startedAt,
    downloadMs: completedAt - sentAt,
  };
  if (submittedAt !== undefined) {
    timings.submittedAt = submittedAt;
    timings.jobMs = Math.max(0, sentAt - submittedAt);
  }
  const response: ProcessResponse = { data, model: (options.model as ModelDefinition).name, timings };
  if (jobId !== undefined) response.jobId = jobId;
  const requestId = media?.headers.get(headers.requestId);
  if (requestId) response.requestId = requestId;
  const seed = seedOf(media?.headers.get(headers.seed) ?? null, (options as { seed?: unknown }).seed);
  if (seed !== undefined) response.seed = seed;
  return response;
}

/** `client.process()`: the call, started now, as a {@link ProcessPromise}. */
export function processWithResponse(context: ClientContext, options: ProcessOptions): ProcessPromise {
  return new ProcessPromise(processRecorded(context, options));
}
