import type { IncomingMessage } from "node:http";
import { HttpError } from "./http-error";
import { ClientGoneError } from "./multipart";
import { ValidationError } from "./validation";

/** Limits of {@link readJsonBody}. */
export interface JsonBodyLimits {
  /** Largest body accepted; past it the read stops with a 413. */
  readonly maxBytes: number;
  /** Longest wait for the next bytes of the body; past it the read stops with a 408. */
  readonly idleTimeoutMs: number;
}

/** What {@link readJsonBody} found: nothing, a JSON value, or bytes that are not sent as JSON. */
export type JsonBody =
  | { readonly kind: "empty" }
  | { readonly kind: "json"; readonly value: unknown }
  | { readonly kind: "other"; readonly text: string };

const tooLarge = (maxBytes: number) =>
  new HttpError(
    413,
    "PAYLOAD_TOO_LARGE",
    `The request body is larger than this route accepts (${maxBytes} bytes)`,
  );

/** Reads the whole body within `limits`. */
function readBody(request: IncomingMessage, limits: JsonBodyLimits): Promise<Buffer> {
  const declared = Number(request.headers["content-length"] ?? Number.NaN);
  if (declared > limits.maxBytes) return Promise.reject(tooLarge(limits.maxBytes));
  if (request.complete || request.readableEnded) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let idle: NodeJS.Timeout | undefined;
    const finish = (error: Error | undefined) => {
      clearTimeout(idle);
      request.off("data", onData);
      request.off("end", onEnd);
      request.off("close", onClose);
      request.off("error", onError);
      if (error) {
        request.pause();
        reject(error);
      } else resolve(Buffer.concat(chunks));
    };
    const watch = () => {
      clearTimeout(idle);
      idle = setTimeout(
        () =>
          finish(
            new HttpError(
              408,
              "REQUEST_TIMEOUT",
              `The request body stalled: no bytes for ${limits.idleTimeoutMs} ms`,
            ),
          ),
        limits.idleTimeoutMs,
      );
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limits.maxBytes) return finish(tooLarge(limits.maxBytes));
      chunks.push(chunk);
      watch();
    };
    const onEnd = () => finish(undefined);
    const onClose = () => {
      if (!request.complete) finish(new ClientGoneError("The client closed the connection"));
    };
    const onError = (error: Error) => finish(new ClientGoneError(error.message));
    request.on("data", onData);
    request.on("end", onEnd);
    request.on("close", onClose);
    request.on("error", onError);
    watch();
  });
}

/** Whether a `Content-Type` names JSON, as FastAPI decides it: `application/json` or `application/*+json`. */
const namesJson = (contentType: string): boolean => {
  const [type = "", subtype = ""] = (contentType.split(";", 1)[0] ?? "").trim().toLowerCase().split("/", 2);
  return type === "application" && (subtype === "json" || subtype.endsWith("+json"));
};

/**
 * Reads a JSON request body as FastAPI reads the body of a route that takes a model: an empty body is
 * `empty`; a body without a `Content-Type`, or with a JSON one, is parsed (a syntax error is FastAPI's 422
 * `json_invalid`, located at the byte where parsing failed); a body of any other type is `other`, for
 * the model's validation to refuse. 413 past `maxBytes`, 408 when the body stalls.
 */
export async function readJsonBody(request: IncomingMessage, limits: JsonBodyLimits): Promise<JsonBody> {
  const bytes = await readBody(request, limits);
  if (bytes.length === 0) return { kind: "empty" };
  const text = bytes.toString("utf8");
  const contentType = request.headers["content-type"];
  if (contentType !== undefined && contentType !== "" && !namesJson(contentType))
    return { kind: "other", text };
  try {
    return { kind: "json", value: JSON.parse(text) as unknown };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const position = Number(/position (\d+)/.exec(reason)?.[1] ?? 0);
    throw new ValidationError([
      {
        type: "json_invalid",
        loc: ["body", position],
        msg: "JSON decode error",
        input: {},
        ctx: { error: reason },
      },
    ]);
  }
}
