import type { ModelDefinition, ProgressEvent } from "../model/index";
import { headers } from "../protocol/index";
import type { Transport } from "../transport/index";
import type { ClientContext } from "./context";
import { type ProcessOptions, runProcess } from "./process";
import { ProcessPromise, type ProcessResponse, type ProcessTimings } from "./process-promise";

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
