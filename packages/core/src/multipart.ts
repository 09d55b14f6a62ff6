import type { UploadFile } from "./file-input";
import { encodeFormValue } from "./protocol/form";

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
 * With a `boundary`, the body is encoded here, as FormData would be, into a fixed-length stream with its
 * Content-Type and Content-Length: Node's FormData encoder reads the file ahead of the socket, and its
 * chunks raise the peak memory of a large upload. Without one, the body is a FormData.
 */
export function multipartBody(
  values: Readonly<Record<string, unknown>>,
  files: ReadonlyMap<string, UploadFile>,
  boundary?: string,
): MultipartBody {
  const fields: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(values)) {
    if (files.has(key)) continue;
    const encoded = encodeFormValue(value);
    if (encoded !== undefined) fields.push([key, encoded]);
  }
  if (!boundary) {
    return {
      body: () => {
        const form = new FormData();
        for (const [key, value] of fields) form.append(key, value);
        for (const [key, file] of files) form.append(key, file.blob, file.filename);
        return form;
      },
    };
  }
  // Encoded as undici and browsers encode a FormData: line breaks in values become CRLF, and `"`, CR and
  // LF in filenames are percent-encoded (names are the model's field names, plain identifiers).
  const parts: BlobPart[] = [];
  for (const [key, value] of fields)
    parts.push(
      `--${boundary}\r\nContent-Disposition: form-data; name="${key}"\r\n\r\n${value.replace(/\r?\n|\r/g, "\r\n")}\r\n`,
    );
  for (const [key, file] of files) {
    parts.push(
      `--${boundary}\r\nContent-Disposition: form-data; name="${key}"; filename="${file.filename.replace(/["\r\n]/g, encodeURIComponent)}"\r\nContent-Type: ${file.blob.type || "application/octet-stream"}\r\n\r\n`,
      file.blob,
      "\r\n",
    );
  }
  parts.push(`--${boundary}--\r\n`);
  // One Blob of references: the file parts stay unread (file-backed in Node) until the body is sent.
  const whole = new Blob(parts);
  return {
    headers: {
      "content-type": `multipart/form-data; boundary=${boundary}`,
      "content-length": `${whole.size}`,
    },
    // Sent through a TransformStream rather than as the Blob's own stream: in a bare fetch of 512 MiB from
    // Node 20, the Blob's stream peaked at ~87 MiB RSS, FormData's encoder at ~93 MiB, this at ~76-86 MiB
    // (the file piped to node:http: ~76 MiB). The peak varies with when GC runs.
    body: () => whole.stream().pipeThrough(new TransformStream()),
  };
}
