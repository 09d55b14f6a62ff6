import { basename, extname, isAbsolute, resolve } from "node:path";
import { batchItemKey, InvalidInputError, type ModelDefinition } from "@decart/core";
import { models, validateInputs } from "@decart/models";
import { isS3Uri } from "./s3";

/**
 * One item of a queue: a model (by name or definition) and its inputs, with file inputs named by a path,
 * an http(s) URL or an `s3://bucket/key` URI — the same shape as a line of `decart batch --input`. What
 * goes into Redis is this description, never the media.
 *
 * @example
 * ```ts
 * import type { QueueItem } from "@decart/queue";
 *
 * const item: QueueItem = { model: "lucy-pro-v2v", prompt: "Convert to anime", data: "s3://clips/a.mp4" };
 * ```
 */
export interface QueueItem {
  /** The model: a registry name such as `"lucy-pro-t2v"`, or a definition from `@decart/models`. */
  model: string | Pick<ModelDefinition, "name">;
  /** The item's key, which is its queue job id. @default the hash `batchItemKey()` gives its inputs */
  key?: string;
  /** What `{name}` stands for in the output template. @default the `data` file's base name, else the key */
  name?: string;
  /** The model's inputs; file fields as a path, an http(s) URL or an `s3://` URI. */
  [input: string]: unknown;
}

/**
 * What a queue job holds: the item, checked and keyed, and — once an attempt got that far — the Decart
 * job it was submitted as, so a later attempt (on any machine) polls that job instead of submitting again.
 *
 * @example
 * ```ts
 * import type { DecartJobData } from "@decart/queue";
 *
 * const resumed = (data: DecartJobData) => data.decartJobId !== undefined;
 * ```
 */
export interface DecartJobData {
  /** The item's key (also the queue job's id). */
  key: string;
  /** The model's name. */
  model: string;
  /** What `{name}` stands for in the output template. */
  name: string;
  /** The inputs as given, local paths made absolute. */
  inputs: Record<string, unknown>;
  /** The Decart job this item was submitted as, recorded before it is polled. */
  decartJobId?: string;
  /** Jobs of this item known to be over without a result (failed on the server): each retry submits anew. */
  submissions?: number;
  /** Why the item failed for good: the SDK error's class name, code, status, message and request id. */
  error?: FailureRecord;
}

/**
 * A failure as a queue job keeps it, readable by `decart queue status` on any machine.
 *
 * @example
 * ```ts
 * import type { FailureRecord } from "@decart/queue";
 *
 * const line = (failure: FailureRecord) => `${failure.name} ${failure.status ?? ""}: ${failure.message}`;
 * ```
 */
export interface FailureRecord {
  /** The error's class name, such as `InvalidInputError`. */
  name: string;
  /** The SDK error code, such as `INVALID_INPUT`. */
  code?: string;
  /** The HTTP status, when a server answered. */
  status?: number;
  /** The error's message. */
  message: string;
  /** The server's request id, for support. */
  requestId?: string;
  /** Whether the item was failed without a retry (the inputs can never succeed). */
  final: boolean;
}

const controlFields = new Set(["model", "key", "name"]);

/** Whether a file reference is a local path (not an http(s) URL or an S3 URI). */
export function isLocalPath(reference: string): boolean {
  return !/^https?:\/\//i.test(reference) && !isS3Uri(reference);
}

/** The model an item names, from the registry (or the extra definitions a worker was given). */
export function modelNamed(name: string, extra: readonly ModelDefinition[] = []): ModelDefinition {
  return extra.find((model) => model.name === name) ?? (models.get(name) as ModelDefinition);
}

function fileFieldIssue(model: string, field: string, value: unknown): InvalidInputError {
  const got = typeof value === "string" ? "an empty string" : `a ${value === null ? "null" : typeof value}`;
  return new InvalidInputError(
    `Invalid inputs for ${model}: ${field} must be a path, an http(s) URL or an s3:// URI (got ${got}); a queue holds references to files, never their bytes`,
    { issues: [{ field, message: `${field} must be a path, an http(s) URL or an s3:// URI` }] },
  );
}

/**
 * Checks an item and turns it into a job's data: the model must exist, the inputs must pass its schema
 * (file fields checked to be references), and relative paths are made absolute against `baseDir`.
 * Throws the SDK's `ModelNotFoundError` or `InvalidInputError`, naming the model and the field.
 */
export async function prepareItem(
  item: QueueItem,
  options: { baseDir?: string; models?: readonly ModelDefinition[] } = {},
): Promise<DecartJobData> {
  if (item === null || typeof item !== "object" || Array.isArray(item))
    throw new InvalidInputError("Invalid item: a queue item is an object such as { model, prompt }");
  const modelName = typeof item.model === "string" ? item.model : item.model?.name;
  if (typeof modelName !== "string" || modelName === "")
    throw new InvalidInputError('Invalid item: no model; give one as "model", such as "lucy-pro-t2v"');
  const model = modelNamed(modelName, options.models);
  const inputs: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(item)) {
    if (!controlFields.has(field) && value !== undefined) inputs[field] = value;
  }
  // For the schema, a reference the client will open stands in as an empty file.
  const checked: Record<string, unknown> = { ...inputs };
  for (const field of Object.keys(model.fileFields)) {
    const value = inputs[field];
    if (value === undefined) continue;
    if (typeof value !== "string" || value.trim() === "") throw fileFieldIssue(model.name, field, value);
    if (isLocalPath(value)) {
      inputs[field] = isAbsolute(value) ? value : resolve(options.baseDir ?? process.cwd(), value);
      checked[field] = new Blob([]);
    } else if (isS3Uri(value)) {
      checked[field] = new Blob([]);
    }
  }
  const result = await validateInputs(model, checked);
  if (!result.success) throw result.error;
  const key = item.key ?? (await batchItemKey({ model, ...inputs }));
  if (typeof key !== "string" || !/^[\w.-]{1,200}$/.test(key))
    throw new InvalidInputError(
      `Invalid item: key ${JSON.stringify(key)} must be 1–200 letters, digits, "_", "." or "-"`,
    );
  return { key, model: model.name, name: itemName(item.name, inputs, key), inputs };
}

/**
 * The queue job id of an item's key: the key itself, except that BullMQ takes no id that reads as a
 * whole number, so such a key (a hash can be all digits) gets a `k` in front.
 */
export function jobIdFor(key: string): string {
  return /^\d+$/.test(key) ? `k${key}` : key;
}

/** The default `{name}`: the base name, without extension, of the first file input, else the key. */
function itemName(given: unknown, inputs: Record<string, unknown>, key: string): string {
  if (typeof given === "string" && given !== "") return given;
  const file = inputs.data ?? inputs.start ?? inputs.image;
  if (typeof file === "string") {
    const base = basename(file.split(/[?#]/)[0] ?? file);
    const stem = base.slice(0, base.length - extname(base).length);
    if (stem !== "") return stem;
  }
  return key;
}
