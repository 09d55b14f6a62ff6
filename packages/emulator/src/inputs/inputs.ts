import { openAsBlob } from "node:fs";
import type { ModelDefinition } from "@decart/core";
import { parseWireInputs } from "@decart/models";
import type { UploadedForm } from "../http/index";
import { HttpError } from "../http/index";
import { type SniffedMedia, sniffFile } from "./sniff";

/** A request's validated inputs, and where its uploads are on disk by field. */
export interface ReadInputs {
  readonly inputs: Record<string, unknown>;
  readonly files: Record<string, string>;
}

const invalid = (model: ModelDefinition, status: number, clause: string) =>
  new HttpError(status, "INVALID_INPUT", `Invalid inputs for ${model.name}: ${clause}`);

const article = (kind: string) => (kind === "image" ? "an image" : "a video");

/** Declared types that say nothing about the bytes, so the sniffed type stands in for them. */
const vagueType = /^(|application\/octet-stream|binary\/octet-stream)$/i;

/**
 * Validates the multipart fields and files of a request with the model's own schema — the one the
 * client uses — through `parseWireInputs` of `@decart/models`, which reads form text as leniently as
 * FastAPI does (`True`, `1`, `on`; numbers as text; JSON or Python repr arrays). Files reach the schema as
 * lazily read Blobs; an `application/octet-stream` upload takes the type its bytes show. Rejects with a
 * 400 carrying the client's message (`Invalid inputs for lucy-pro-i2v: data is required`), and with a
 * 422 when a file field holds text or media of the wrong kind (a video where the model takes an image).
 */
export async function readInputs(model: ModelDefinition, form: UploadedForm): Promise<ReadInputs> {
  // No prototype: a field named `__proto__` or `constructor` is a key like any other.
  const fields: Record<string, unknown> = Object.create(null);
  for (const [name, value] of form.fields) {
    if (!Object.hasOwn(model.fileFields, name)) fields[name] = value;
    // An empty text part for a file field means "no file", as FastAPI reads it.
    else if (value !== "") throw invalid(model, 422, `${name} must be a file upload, not text`);
  }
  const sniffed = new Map<string, SniffedMedia | undefined>();
  for (const [name, file] of form.files) {
    const media = await sniffFile(file.path);
    sniffed.set(name, media);
    const type = vagueType.test(file.mimeType) && media ? media.mimeType : file.mimeType;
    fields[name] = await openAsBlob(file.path, { type });
  }
  const result = await parseWireInputs(model, fields);
  if (!result.success) throw new HttpError(400, "INVALID_INPUT", result.error.message);
  for (const [name, media] of sniffed) {
    const expected = Object.hasOwn(model.fileFields, name) ? model.fileFields[name] : undefined;
    if (media && expected && media.kind !== expected) {
      throw invalid(
        model,
        422,
        `${name} must be ${article(expected)}, but the upload is ${article(media.kind)} (${media.format})`,
      );
    }
  }
  const files: Record<string, string> = Object.create(null);
  for (const [name, file] of form.files) files[name] = file.path;
  return { inputs: result.value as Record<string, unknown>, files };
}
