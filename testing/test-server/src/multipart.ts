/** One part of a multipart body, exactly as it was sent. */
export interface RawPart {
  /** The `name` of its Content-Disposition, percent-decoding left undone. */
  name: string;
  /** The `filename`, for a file part. */
  filename: string | undefined;
  /** Its headers, names lowercased. */
  headers: Record<string, string>;
  /** Its body, byte for byte. */
  bytes: Uint8Array;
}

/**
 * Splits a `multipart/form-data` body into its parts without decoding anything, so a test can check
 * what went over the wire byte for byte (a FormData parser may hide a rewritten line break).
 * Throws when the body is not well-formed for the boundary in `contentType`.
 */
export function readRawParts(body: Uint8Array, contentType: string): RawPart[] {
  const boundary = /boundary=("?)([^";]+)\1/i.exec(contentType)?.[2];
  if (!boundary) throw new Error(`No boundary in ${contentType}`);
  const buffer = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: RawPart[] = [];
  let at = buffer.indexOf(delimiter);
  if (at !== 0) throw new Error("The body does not start with the boundary");
  for (;;) {
    const after = at + delimiter.length;
    if (buffer.subarray(after, after + 4).toString("latin1") === "--\r\n") return parts;
    if (buffer.subarray(after, after + 2).toString("latin1") !== "\r\n")
      throw new Error("Malformed delimiter");
    const next = buffer.indexOf(Buffer.from(`\r\n--${boundary}`), after);
    if (next < 0) throw new Error("Unterminated part");
    const part = buffer.subarray(after + 2, next);
    const split = part.indexOf("\r\n\r\n");
    if (split < 0) throw new Error("A part without a header block");
    const headers: Record<string, string> = {};
    for (const line of part.subarray(0, split).toString("utf8").split("\r\n")) {
      const colon = line.indexOf(":");
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const disposition = headers["content-disposition"] ?? "";
    const name = /\bname="([^"]*)"/.exec(disposition)?.[1];
    if (name === undefined) throw new Error(`A part without a name: ${disposition}`);
    const filename = /\bfilename="([^"]*)"/.exec(disposition)?.[1];
    parts.push({ name, filename, headers, bytes: new Uint8Array(part.subarray(split + 4)) });
    at = next + 2;
  }
}
