import { createWriteStream, type WriteStream } from "node:fs";
import type { IncomingMessage } from "node:http";
import { join } from "node:path";
import type { Readable } from "node:stream";
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

/**
 * The parsed body: text fields as the wire spells them, files by field name. Maps, so that any name a
 * client sends (`__proto__`, `constructor`) is an entry like any other.
 */
export interface UploadedForm {
  readonly fields: ReadonlyMap<string, string>;
  readonly files: ReadonlyMap<string, UploadedFile>;
  /**
   * The text fields that came as file parts (with a `filename`), read into `fields` all the same: a
   * FastAPI `Form(str)` field refuses such a part, which is the caller's to decide.
   */
  readonly textSentAsFiles: ReadonlySet<string>;
}

/** Limits of {@link readForm}. */
export interface FormLimits {
  /** Largest upload, all files together; past it the read stops with a 413. */
  readonly maxUploadBytes: number;
  /** Longest wait for the next bytes of the body; past it the read stops with a 408. */
  readonly idleTimeoutMs: number;
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

const unsupported = () =>
  new HttpError(415, "UNSUPPORTED_MEDIA_TYPE", "Send the inputs as multipart/form-data");

const stalled = (idleTimeoutMs: number) =>
  new HttpError(408, "REQUEST_TIMEOUT", `The request body stalled: no bytes for ${idleTimeoutMs} ms`);

/** The client went away before the body arrived. Nobody is left to answer. */
export class ClientGoneError extends Error {
  override name = "AbortError";
}

const clientGone = () => new ClientGoneError("The client closed the connection");

const emptyForm = (): UploadedForm => ({ fields: new Map(), files: new Map(), textSentAsFiles: new Set() });

/**
 * What the headers alone decide: an empty form, a refusal (413 for a declared length past the limit, 415
 * for a body that is not a form), or `undefined` to parse the body.
 */
function decideFromHeaders(
  request: IncomingMessage,
  maxUploadBytes: number,
): UploadedForm | HttpError | undefined {
  const contentType = request.headers["content-type"] ?? "";
  const declaredLength = Number(request.headers["content-length"] ?? Number.NaN);
  if (declaredLength > maxUploadBytes + fieldAllowance) return tooLarge(maxUploadBytes);
  if (contentType === "") {
    const noBody =
      declaredLength === 0 ||
      (Number.isNaN(declaredLength) && request.headers["transfer-encoding"] === undefined);
    return noBody ? emptyForm() : unsupported();
  }
  if (!/^(multipart\/form-data|application\/x-www-form-urlencoded)\b/i.test(contentType))
    return unsupported();
  return undefined;
}

/** Reads a part that came dressed as a file but names a text field; `undefined` past the field allowance. */
function readText(stream: Readable): Promise<string | undefined> {
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
    // Destroyed before its end, when the read failed: nothing to keep.
    stream.on("close", () => resolve(undefined));
  });
}

/**
 * One body being read: the parts collected so far, the files being written, and the single way the read
 * ends (`fail` or `finish`). A field name seen twice is refused at the second part's header, before any
 * of its bytes are kept.
 */
class FormReader {
  readonly fields = new Map<string, string>();
  readonly files = new Map<string, UploadedFile>();
  readonly textSentAsFiles = new Set<string>();
  private readonly seenFiles = new Set<string>();
  private readonly writes: Promise<void>[] = [];
  private readonly inputs: Readable[] = [];
  private readonly outputs: WriteStream[] = [];
  private total = 0;
  private settled = false;

  constructor(
    private readonly directory: string,
    private readonly fileFields: ReadonlySet<string>,
    private readonly maxUploadBytes: number,
    private readonly hooks: {
      /** Stop reading the body now (the read failed). */
      readonly stop: () => void;
      /** The read is over, with the error it failed with; called once, after every file is closed. */
      readonly settle: (error: Error | undefined) => void;
    },
  ) {}

  private settle(error: Error | undefined): void {
    this.hooks.settle(error);
  }

  fail(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.hooks.stop();
    for (const input of this.inputs) input.destroy();
    for (const output of this.outputs) output.destroy();
    Promise.allSettled(this.writes).then(() => this.settle(error));
  }

  /** The parser is done; resolves once every file is on disk. */
  parserClosed(): void {
    Promise.all(this.writes).then(
      () => {
        if (this.settled) return;
        this.settled = true;
        this.settle(undefined);
      },
      (error: unknown) => this.fail(error instanceof Error ? error : new Error(String(error))),
    );
  }

  onField(name: string, value: string, info: busboy.FieldInfo): void {
    if (this.settled) return;
    if (info.nameTruncated) this.fail(malformed("a field name is too long"));
    else if (info.valueTruncated) this.fail(tooLarge(this.maxUploadBytes));
    else this.fields.set(name, value);
  }

  onFile(name: string, stream: Readable, info: busboy.FileInfo): void {
    if (this.settled) {
      stream.resume();
      return;
    }
    this.inputs.push(stream);
    if (!this.fileFields.has(name)) {
      // busboy also hands over an `application/octet-stream` part without a filename as a file; a
      // FastAPI form reads that one as text.
      if (info.filename !== undefined) this.textSentAsFiles.add(name);
      this.track(
        readText(stream).then((value) => {
          if (value === undefined) this.fail(tooLarge(this.maxUploadBytes));
          else if (!this.settled) this.fields.set(name, value);
        }),
      );
      return;
    }
    if (this.seenFiles.has(name)) {
      stream.resume();
      this.fail(malformed(`the file field ${name} was sent more than once`));
      return;
    }
    this.seenFiles.add(name);
    this.track(this.writeFile(name, stream, info));
  }

  /** A part's work, awaited when the parser closes; a failure before then is not left unhandled. */
  private track(work: Promise<void>): void {
    work.catch((error: unknown) => this.fail(error instanceof Error ? error : new Error(String(error))));
    this.writes.push(work);
  }

  private writeFile(name: string, stream: Readable, info: busboy.FileInfo): Promise<void> {
    const path = join(this.directory, `upload-${this.seenFiles.size - 1}`);
    const output = createWriteStream(path);
    this.outputs.push(output);
    let size = 0;
    stream.on("data", (chunk: Buffer) => {
      size += chunk.length;
      this.total += chunk.length;
      if (this.total > this.maxUploadBytes) this.fail(tooLarge(this.maxUploadBytes));
    });
    stream.on("limit", () => this.fail(tooLarge(this.maxUploadBytes)));
    const written = new Promise<void>((done, failed) => {
      output.on("error", failed);
      output.on("close", () => {
        if (!this.settled)
          this.files.set(name, { path, size, mimeType: info.mimeType, filename: info.filename });
        done();
      });
      stream.on("error", (error) => {
        output.destroy();
        failed(error);
      });
    });
    stream.pipe(output);
    return written;
  }
}

function createParser(request: IncomingMessage, maxUploadBytes: number): busboy.Busboy | HttpError {
  try {
    return busboy({
      headers: request.headers,
      defParamCharset: "utf8",
      limits: { fileSize: maxUploadBytes, files: 8, fields: 64, parts: 72, fieldSize: fieldAllowance },
    });
  } catch (error) {
    return malformed(error instanceof Error ? error.message : String(error));
  }
}

/**
 * Streams a multipart (or url-encoded) body into `directory`, counting bytes as they arrive: past
 * `maxUploadBytes` it stops writing, deletes what it wrote and rejects with a 413 {@link HttpError}.
 * Malformed bodies (and a file field sent twice) reject with a 400, a body that stalls for
 * `idleTimeoutMs` with a 408. Files are named by their order, never by the client's names.
 *
 * Like FastAPI, a part named in `fileFields` is a file whatever its filename (the client's, the field's
 * own, or none) and type. Any other part is read as text, even one sent with a filename, and named in
 * `textSentAsFiles` so that the caller can refuse it as FastAPI does once the whole body is in (a body
 * that stalls after it still gets its 408). Parts may come in any order.
 */
export function readForm(
  request: IncomingMessage,
  directory: string,
  limits: FormLimits,
  fileFields: ReadonlySet<string>,
): Promise<UploadedForm> {
  const decided = decideFromHeaders(request, limits.maxUploadBytes);
  if (decided instanceof HttpError) return Promise.reject(decided);
  if (decided) return Promise.resolve(decided);
  const parser = createParser(request, limits.maxUploadBytes);
  if (parser instanceof HttpError) return Promise.reject(parser);
  // Gone before the read began (while the handler prepared its folder): nothing will come.
  if (request.destroyed && !request.complete) return Promise.reject(clientGone());

  return new Promise<UploadedForm>((resolve, reject) => {
    let idle: NodeJS.Timeout | undefined;
    const watch = () => {
      clearTimeout(idle);
      idle = setTimeout(() => reader.fail(stalled(limits.idleTimeoutMs)), limits.idleTimeoutMs);
    };
    const unwatch = () => {
      clearTimeout(idle);
      request.off("data", watch);
    };
    const reader = new FormReader(directory, fileFields, limits.maxUploadBytes, {
      stop: () => {
        unwatch();
        request.unpipe(parser);
        parser.removeAllListeners("file");
        // Keep a listener so late parser errors do not crash the process.
        parser.on("error", () => {});
      },
      settle: (error) => {
        unwatch();
        if (error) reject(error);
        else resolve({ fields: reader.fields, files: reader.files, textSentAsFiles: reader.textSentAsFiles });
      },
    });
    parser.on("file", (name, stream, info) => reader.onFile(name, stream, info));
    parser.on("field", (name, value, info) => reader.onField(name, value, info));
    parser.on("partsLimit", () => reader.fail(malformed("too many parts")));
    parser.on("filesLimit", () => reader.fail(malformed("too many files")));
    parser.on("fieldsLimit", () => reader.fail(malformed("too many fields")));
    parser.on("error", (error: Error) => reader.fail(malformed(error.message)));
    parser.on("close", () => reader.parserClosed());
    // Also when the client goes mid-body: the request closes before it is complete.
    request.on("close", () => {
      if (!request.complete) reader.fail(clientGone());
    });
    request.on("error", (error) => reader.fail(new ClientGoneError(error.message)));
    request.on("data", watch);
    request.once("end", unwatch);
    watch();
    request.pipe(parser);
  });
}
