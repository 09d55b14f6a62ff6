import type { UploadFile } from "./file-input";

/** How a non-file input travels as a form field: numbers and booleans as strings, arrays and objects as JSON. */
export function encodeFormValue(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint")
    return String(value);
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value);
}

/**
 * Returns a factory that builds the multipart body. It is called once per attempt, so a retry never
 * needs a clone (a clone of a streamed body would buffer all of it); file parts are Blob references,
 * so building the form copies no file bytes.
 */
export function multipartBody(
  values: Readonly<Record<string, unknown>>,
  files: ReadonlyMap<string, UploadFile>,
): () => FormData {
  const fields: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(values)) {
    if (files.has(key)) continue;
    const encoded = encodeFormValue(value);
    if (encoded !== undefined) fields.push([key, encoded]);
  }
  return () => {
    const form = new FormData();
    for (const [key, value] of fields) form.append(key, value);
    for (const [key, file] of files) form.append(key, file.blob, file.filename);
    return form;
  };
}
