import { encodeFormValue } from "../protocol/index";
import type { UploadFile } from "./file-input";
import { blobViewStream } from "./view-stream";

/** A multipart body: a factory called once per attempt, and the headers it needs (if any). */
export interface MultipartBody {
  body: () => BodyInit;
  headers?: Record<string, string>;
}

/**
 * Returns a factory that builds the multipart body. It is called once per attempt, so a retry never
 * needs a clone (a clone of a streamed body would buffer all of it); file parts are Blob references,
 * so building the body copies no file bytes.
 *
 * The body is encoded here rather than by FormData, which rewrites every line break in a text value as
 * CRLF: a prompt is sent byte for byte as it was validated, so the server counts what the client did.
 * With a file part it is one Blob of parts with an explicit boundary (lowercase: a Blob's type is
 * lowercased), which browsers and Node send alike; with text parts only, it is their bytes. With
 * `stream`, it is sent as a fixed-length stream with its Content-Length instead (Node only): Node reads
 * a Blob body ahead of the socket, and its chunks raise the peak memory of a large upload (see
 * `blobViewStream`).
 */
export function multipartBody(
  values: Readonly<Record<string, unknown>>,
  files: ReadonlyMap<string, UploadFile>,
  newBoundary: () => string,
  stream = false,
): MultipartBody {
  const fields: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(values)) {
    if (files.has(key)) continue;
    const encoded = encodeFormValue(value);
    if (encoded !== undefined) fields.push([key, encoded]);
  }
  // A random boundary, drawn again in the unlikely case a text value contains it.
  let boundary = newBoundary();
  while (fields.some(([, value]) => value.includes(boundary))) boundary = newBoundary();
  // `"`, CR and LF in names and filenames are percent-encoded, as browsers and undici do.
  const quoted = (text: string) => text.replace(/["\r\n]/g, encodeURIComponent);
  let text = "";
  for (const [key, value] of fields)
    text += `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(key)}"\r\n\r\n${value}\r\n`;
  const type = `multipart/form-data; boundary=${boundary}`;
  if (files.size === 0 && !stream) {
    // Text only: the bytes, encoded once. fetch copies a byte body as it takes it, so every attempt
    // can send the same one, and it costs less per request than a Blob read as a stream.
    const bytes = new TextEncoder().encode(`${text}--${boundary}--\r\n`);
    return { headers: { "content-type": type }, body: () => bytes };
  }
  const parts: BlobPart[] = [text];
  for (const [key, file] of files) {
    parts.push(
      `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(key)}"; filename="${quoted(file.filename)}"\r\nContent-Type: ${file.blob.type || "application/octet-stream"}\r\n\r\n`,
      file.blob,
      "\r\n",
    );
  }
  parts.push(`--${boundary}--\r\n`);
  // One Blob of references: the file parts stay unread (file-backed in Node) until the body is sent.
  const whole = new Blob(parts, { type });
  if (!stream) return { headers: { "content-type": type }, body: () => whole };
  return {
    headers: { "content-type": type, "content-length": `${whole.size}` },
    // A pull-only stream of views rather than the Blob's own stream, which Node reads ahead of the socket.
    body: () => blobViewStream(whole),
  };
}
