import { createWriteStream } from "node:fs";
import type { IncomingMessage } from "node:http";
import { join } from "node:path";
import busboy from "busboy";
import { HttpError } from "./http-error";

/** One uploaded file, streamed to disk. */
export interface UploadedFile {
  /** Where the bytes are on disk. */
  readonly path: string;
  /** Bytes received. */
  readonly size: number;
  /** The part's declared MIME type. */
  readonly mimeType: string;
  /** The part's file name, as the client sent it (never used to build a path). */
  readonly filename: string | undefined;
}

/** The parsed body: text fields as the wire spells them, files by field name. */
export interface UploadedForm {
  readonly fields: Record<string, string>;
  readonly files: Record<string, UploadedFile>;
}

/** Room for the text fields and multipart framing on top of the file bytes. */
const fieldAllowance = 256 * 1024;

const tooLarge = (maxUploadBytes: number) =>
  new HttpError(
    413,
    "PAYLOAD_TOO_LARGE",
    `The upload is larger than this server accepts (${maxUploadBytes} bytes); send a smaller file`,
  );

const malformed = (detail: string) =>
  new HttpError(400, "INVALID_INPUT", `Malformed multipart body: ${detail}`);

/** Reads a part that came dressed as a file but names a text field; `undefined` past the field allowance. */
function readText(stream: NodeJS.ReadableStream): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= fieldAllowance) chunks.push(chunk);
    });
    stream.on("error", reject);
    stream.on("end", () =>
      resolve(size > fieldAllowance ? undefined : Buffer.concat(chunks).toString("utf8")),
    );
  });
}

/** The client went away before the body arrived. Nobody is left to answer. */
export class ClientGoneError extends Error {
  override name = "AbortError";
}

/**
 * Streams a multipart (or url-encoded) body into `directory`, counting bytes as they arrive: past
 * `maxUploadBytes` it stops writing, deletes what it wrote and rejects with a 413 {@link HttpError}.
 * Malformed bodies reject with a 400. Files are named by their order, never by the client's names.
 *
 * Like FastAPI, it goes by the field name, not by how a part is dressed: a part named in `fileFields`
 * is a file whatever its filename (the client's, the field's own, or none) and type, and any other part
 * is text, even one sent with a filename or a `Content-Type` of its own. Parts may come in any order.
 */
export function readForm(
  request: IncomingMessage,
  directory: string,
  maxUploadBytes: number,
  fileFields: ReadonlySet<string>,
): Promise<UploadedForm> {
  const contentType = request.headers["content-type"] ?? "";
  const declaredLength = Number(request.headers["content-length"] ?? Number.NaN);
  if (declaredLength > maxUploadBytes + fieldAllowance) return Promise.reject(tooLarge(maxUploadBytes));

  if (contentType === "") {
    if (
      declaredLength === 0 ||
      (Number.isNaN(declaredLength) && request.headers["transfer-encoding"] === undefined)
    ) {
      return Promise.resolve({ fields: {}, files: {} });
    }
    return Promise.reject(
      new HttpError(415, "UNSUPPORTED_MEDIA_TYPE", "Send the inputs as multipart/form-data"),
    );
  }
  if (!/^(multipart\/form-data|application\/x-www-form-urlencoded)\b/i.test(contentType)) {
    return Promise.reject(
      new HttpError(415, "UNSUPPORTED_MEDIA_TYPE", "Send the inputs as multipart/form-data"),
    );
  }

  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: request.headers,
      defParamCharset: "utf8",
      limits: { fileSize: maxUploadBytes, files: 8, fields: 64, parts: 72, fieldSize: fieldAllowance },
    });
  } catch (error) {
    return Promise.reject(malformed(error instanceof Error ? error.message : String(error)));
  }

  return new Promise<UploadedForm>((resolve, reject) => {
    const fields: Record<string, string> = {};
    const files: Record<string, UploadedFile> = {};
    const writes: Promise<void>[] = [];
    const streams: NodeJS.WritableStream[] = [];
    let total = 0;
    let fileCount = 0;
    let settled = false;
    let parsed = false;

    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      request.unpipe(parser);
      for (const stream of streams) (stream as unknown as { destroy(): void }).destroy();
      parser.removeAllListeners("file");
      // Keep a listener so late parser errors do not crash the process.
      parser.on("error", () => {});
      Promise.allSettled(writes).then(() => reject(error));
    };

    const finish = () => {
      if (settled || !parsed) return;
      Promise.all(writes).then(
        () => {
          if (settled) return;
          settled = true;
          resolve({ fields, files });
        },
        (error: unknown) => fail(error instanceof Error ? error : new Error(String(error))),
      );
    };

    parser.on("file", (name, stream, info) => {
      if (settled) {
        stream.resume();
        return;
      }
      if (!fileFields.has(name)) {
        const text = readText(stream).then((value) => {
          if (value === undefined) fail(tooLarge(maxUploadBytes));
          else if (!settled) fields[name] = value;
        });
        writes.push(text);
        return;
      }
      if (name in files) {
        stream.resume();
        fail(malformed(`the file field ${name} was sent more than once`));
        return;
      }
      const path = join(directory, `upload-${fileCount++}`);
      const output = createWriteStream(path);
      streams.push(output);
      let size = 0;
      stream.on("data", (chunk: Buffer) => {
        size += chunk.length;
        total += chunk.length;
        if (total > maxUploadBytes) fail(tooLarge(maxUploadBytes));
      });
      stream.on("limit", () => fail(tooLarge(maxUploadBytes)));
      writes.push(
        new Promise<void>((done, failed) => {
          output.on("error", failed);
          output.on("close", () => {
            if (!settled) files[name] = { path, size, mimeType: info.mimeType, filename: info.filename };
            done();
          });
          stream.on("error", (error) => {
            output.destroy();
            failed(error);
          });
        }),
      );
      stream.pipe(output);
    });

    parser.on("field", (name, value, info) => {
      if (settled) return;
      if (info.nameTruncated) return fail(malformed("a field name is too long"));
      if (info.valueTruncated) return fail(tooLarge(maxUploadBytes));
      fields[name] = value;
    });
    parser.on("partsLimit", () => fail(malformed("too many parts")));
    parser.on("filesLimit", () => fail(malformed("too many files")));
    parser.on("fieldsLimit", () => fail(malformed("too many fields")));
    parser.on("error", (error: Error) => fail(malformed(error.message)));
    parser.on("close", () => {
      parsed = true;
      finish();
    });

    request.on("aborted", () => fail(new ClientGoneError("The client closed the connection")));
    request.on("error", (error) => fail(new ClientGoneError(error.message)));
    request.pipe(parser);
  });
}
