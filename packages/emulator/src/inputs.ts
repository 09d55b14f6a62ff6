import { openAsBlob } from "node:fs";
import type { ModelDefinition } from "@decart/core";
import { parseWireInputs } from "@decart/models";
import { HttpError } from "./http-error";
import type { UploadedForm } from "./multipart";

/**
 * Validates the multipart fields and files of a request with the model's own schema — the one the
 * client uses — through `parseWireInputs` of `@decart/models`. Files reach the schema as lazily read
 * Blobs. Rejects with a 400 carrying the client's message: `Invalid inputs for lucy-pro-i2v: data is required`.
 */
export async function validateInputs(
  model: ModelDefinition,
  form: UploadedForm,
): Promise<Record<string, unknown>> {
  const fields: Record<string, unknown> = { ...form.fields };
  for (const [name, file] of Object.entries(form.files)) {
    fields[name] = await openAsBlob(file.path, { type: file.mimeType });
  }
  const result = await parseWireInputs(model, fields);
  if (!result.success) throw new HttpError(400, "INVALID_INPUT", result.error.message);
  return result.value as Record<string, unknown>;
}
