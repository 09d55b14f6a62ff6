import { openAsBlob } from "node:fs";
import type { MediaKind, ModelDefinition } from "@decart/core";
import { inputJsonSchema, parseWireInputs } from "@decart/models";
import {
  HttpError,
  type UploadedForm,
  ValidationError,
  type ValidationIssue,
  valueIssue,
} from "../http/index";
import { type SniffedMedia, sniffFile } from "./sniff";

/** A request's validated inputs, and where its uploads are on disk by field. */
export interface ReadInputs {
  readonly inputs: Record<string, unknown>;
  readonly files: Record<string, string>;
}

const invalid = (model: ModelDefinition, status: number, clause: string) =>
  new HttpError(status, "INVALID_INPUT", `Invalid inputs for ${model.name}: ${clause}`);

const article = (kind: string) => (kind === "image" ? "an image" : "a video");

/** What to upload instead, in the words of the engine's media checks. */
const formatsOf = (kind: MediaKind) =>
  kind === "image" ? "a PNG, JPEG or WebP file" : "an MP4, WebM or MOV file";

/** Declared types that say nothing about the bytes, so the sniffed type stands in for them. */
const vagueType = /^(|application\/octet-stream|binary\/octet-stream)$/i;

/**
 * pydantic's entry for a `Form(str)` field that came as a file part. Its `input` (FastAPI's encoding of
 * an `UploadFile`) is left out.
 */
const textSentAsFile = (field: string): ValidationIssue => ({
  type: "string_type",
  loc: ["body", field],
  msg: "Input should be a valid string",
  input: undefined,
});

/** pydantic's entry for an `UploadFile` field that came as a plain text part. */
const fileSentAsText = (field: string, value: string): ValidationIssue =>
  valueIssue(["body", field], value, "Expected UploadFile, received: <class 'str'>");

const schemaFields = new WeakMap<ModelDefinition, ReadonlyMap<string, number> | undefined>();

/**
 * The fields `model`'s schema declares, each with its place in the declaration, from its JSON Schema;
 * `undefined` for a custom model whose schema has none (not zod), for which every name is taken as one
 * of its fields.
 */
function fieldsOf(model: ModelDefinition): ReadonlyMap<string, number> | undefined {
  if (!schemaFields.has(model)) {
    let places: Map<string, number> | undefined;
    try {
      const { properties } = inputJsonSchema(model) as { properties?: Record<string, unknown> };
      places = new Map(Object.keys(properties ?? {}).map((name, place) => [name, place]));
    } catch {
      places = undefined;
    }
    schemaFields.set(model, places);
  }
  return schemaFields.get(model);
}

/**
 * The text fields of a form, as FastAPI's form parser reads them into the model's fields: a file field
 * sent as text or a text field of the model sent as a file part is a 422 naming each such field in
 * FastAPI's words, in the order the model declares them. An empty text part for a file field means "no
 * file", as FastAPI reads it; a name the schema does not know is left for the schema to refuse, however
 * it came.
 */
function textFields(model: ModelDefinition, form: UploadedForm): Record<string, unknown> {
  // No prototype: a field named `__proto__` or `constructor` is a key like any other.
  const fields: Record<string, unknown> = Object.create(null);
  const rejected: { issue: ValidationIssue; name: string }[] = [];
  const known = fieldsOf(model);
  for (const [name, value] of form.fields) {
    if (Object.hasOwn(model.fileFields, name)) {
      if (value !== "") rejected.push({ name, issue: fileSentAsText(name, value) });
    } else if (form.textSentAsFiles.has(name) && (known === undefined || known.has(name))) {
      rejected.push({ name, issue: textSentAsFile(name) });
    } else {
      fields[name] = value;
    }
  }
  if (rejected.length > 0) {
    const place = (name: string) => known?.get(name) ?? Number.MAX_SAFE_INTEGER;
    rejected.sort((a, b) => place(a.name) - place(b.name));
    throw new ValidationError(rejected.map(({ issue }) => issue));
  }
  return fields;
}

/**
 * Validates the multipart fields and files of a request with the model's own schema — the one the
 * client uses — through `parseWireInputs` of `@decart/models`, which reads form text as leniently as
 * FastAPI does (`True`, `1`, `on`; numbers as text; JSON or Python repr arrays). Files reach the schema as
 * lazily read Blobs; an `application/octet-stream` upload takes the type its bytes show. Rejects with a
 * 422 in FastAPI's list form when a part came in the wrong dress (see {@link textFields}), with a 400
 * carrying the client's message (`Invalid inputs for lucy-pro-i2v: data is required`), and with a 422
 * for an empty upload or media of the wrong kind (a video where the model takes an image).
 */
export async function readInputs(model: ModelDefinition, form: UploadedForm): Promise<ReadInputs> {
  const fields = textFields(model, form);
  const sniffed = new Map<string, SniffedMedia | undefined>();
  for (const [name, file] of form.files) {
    const media = await sniffFile(file.path);
    sniffed.set(name, media);
    const type = vagueType.test(file.mimeType) && media ? media.mimeType : file.mimeType;
    fields[name] = await openAsBlob(file.path, { type });
  }
  const result = await parseWireInputs(model, fields);
  if (!result.success) throw new HttpError(400, "INVALID_INPUT", result.error.message);
  for (const [name, file] of form.files) {
    const expected = model.fileFields[name] as MediaKind;
    if (file.size === 0)
      throw invalid(model, 422, `the ${name} file is empty: upload ${formatsOf(expected)}`);
    const media = sniffed.get(name);
    if (media && media.kind !== expected) {
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
