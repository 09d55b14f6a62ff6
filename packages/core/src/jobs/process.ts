import { DecartSDKError, type InputIssue, InvalidInputError } from "../errors/index";
import { type MultipartBody, multipartBody, resolveFileInput, type UploadFile } from "../files/index";
import type { ModelDefinition, ModelInputs, StandardSchemaV1 } from "../model/index";
import { applyErrorHooks } from "../plugins/index";
import { detectRuntime } from "../runtime/index";
import { openScope } from "../timing/index";
import type { ClientContext } from "./context";
import { checkModelDefinition, type RequestControls, readControls } from "./controls";
import { jobEndedError, type PreparedCall, runJob } from "./jobs";
import { createReporter } from "./poll";

/**
 * What `client.process()` takes: the model, that model's inputs (typed per model, so a wrong field is a
 * type error) and the request controls.
 *
 * @example
 * ```ts
 * import type { ModelDefinition, ProcessOptions } from "@decart/core";
 *
 * function withSeed<M extends ModelDefinition>(options: ProcessOptions<M>): ProcessOptions<M> {
 *   return { ...options, seed: 42 };
 * }
 * ```
 */
export type ProcessOptions<Model extends ModelDefinition = ModelDefinition> = {
  /** The model to run, such as `models.video("lucy-pro-t2v")`; its schema types the other fields. */
  model: Model;
} & ModelInputs<Model> &
  RequestControls;

/** Maps a Standard Schema issue to an SDK issue with a dot path. */
function toInputIssue(issue: StandardSchemaV1.Issue): InputIssue {
  const field = (issue.path ?? [])
    .map((segment) => String(typeof segment === "object" && segment !== null ? segment.key : segment))
    .join(".");
  return { field, message: issue.message };
}

/** Validates inputs with the model's schema, then resolves file inputs: all before any request. */
export async function prepareCall(
  context: ClientContext,
  options: ProcessOptions,
  signal: AbortSignal | undefined,
): Promise<PreparedCall> {
  checkModelDefinition((options as Partial<ProcessOptions> | undefined)?.model);
  const { model, signal: _signal, onProgress: _onProgress, deadline: _deadline, ...inputs } = options;
  const schema = model.inputs["~standard"];
  const checked = schema.validate(inputs);
  const result = checked instanceof Promise ? await checked : checked;
  if (result.issues) throw InvalidInputError.fromIssues(model.name, result.issues.map(toInputIssue));
  const values = (result.value ?? {}) as Record<string, unknown>;
  const files = new Map<string, UploadFile>();
  for (const field of Object.keys(model.fileFields)) {
    const value = values[field];
    if (value === undefined || value === null) continue;
    files.set(
      field,
      await resolveFileInput(field, value, { model: model.name, fetch: context.fetch, signal }),
    );
  }
  return { model, ...uploadBody(context, values, files) };
}

/**
 * The multipart body of `values` and `files` as this client sends it (see `multipartBody`).
 *
 * The body is a stream only in Node (20.19 or later), whose fetch takes a `duplex: "half"` stream body
 * over HTTP/1.1 with the Content-Length given. Anywhere with a `document` (browsers, Electron renderers,
 * jsdom) sends a Blob: Chrome streams request bodies over HTTP/2 only and forbids Content-Length. So
 * does a custom fetch, which may not take a stream (node-fetch 2 does not).
 * Bodies without a file over 1 MB are sent as a Blob too: building a stream costs more per call than it saves.
 */
export function uploadBody(
  context: ClientContext,
  values: Readonly<Record<string, unknown>>,
  files: ReadonlyMap<string, UploadFile>,
): MultipartBody {
  const stream =
    [...files.values()].some((file) => file.blob.size > 1e6) &&
    !context.fetch &&
    detectRuntime() === "node" &&
    typeof document === "undefined";
  return multipartBody(values, files, () => `----decart-${randomId()}`.toLowerCase(), stream);
}

/** A fresh random id (a multipart boundary). */
export function randomId(): string {
  const crypto = globalThis.crypto;
  if (typeof crypto?.randomUUID === "function") return crypto.randomUUID();
  // randomUUID needs a secure context in browsers; getRandomValues is everywhere the SDK runs.
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) =>
    byte.toString(16).padStart(2, "0"),
  ).join("");
}

/** `client.process()`: image models on the sync endpoint, video models through the queue. */
export async function runProcess(context: ClientContext, options: ProcessOptions): Promise<Blob> {
  let scope: ReturnType<typeof openScope> | undefined;
  try {
    const controls = readControls(options, "client.process()");
    // With neither a signal nor a deadline nothing can end the call early: no scope, no signal to follow.
    if (controls.signal || controls.deadline !== undefined)
      scope = openScope(controls.signal, controls.deadline);
    const signal = scope?.signal;
    const call = await prepareCall(context, options, signal);
    if (call.model.kind === "image") {
      const report = createReporter(context, call.model.name, controls.onProgress);
      report("processing", undefined, undefined);
      const data = await context.transport.blob({
        method: "POST",
        path: call.model.endpoints.generate,
        body: call.body,
        headers: call.headers,
        retry: "write",
        signal,
        model: call.model.name,
      });
      report("completed", undefined, undefined);
      return data;
    }
    const { job, data } = await runJob(context, call, signal, controls.onProgress);
    if (!data) throw jobEndedError(job);
    return data;
  } catch (error) {
    throw await settleError(context, error, "process");
  } finally {
    scope?.dispose();
  }
}

/** Lets `onError` plugins see (and replace) an SDK error; aborts pass through untouched. */
export async function settleError(
  context: ClientContext,
  error: unknown,
  operation: string,
): Promise<unknown> {
  if (!(error instanceof DecartSDKError) || context.plugins.length === 0) return error;
  return applyErrorHooks(context.plugins, error, operation);
}
