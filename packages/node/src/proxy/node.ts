import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { errorBody } from "@decart/core/protocol";
import type { ProxyContext } from "./authorize";
import type { ProxyHandler } from "./handler";

/** A `node:http` request listener. */
export type NodeRequestListener = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/**
 * Adapts a fetch-style handler (from {@link createProxyHandler} or {@link createTokenHandler}) to
 * `node:http`: the incoming request is streamed into a `Request` (never buffered), the `Response` is
 * streamed back with backpressure, and the handler's `request.signal` aborts when the client disconnects.
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * import { createProxyHandler, toNodeHandler } from "@decart/node";
 *
 * declare function userIdOf(request: Request): string | undefined;
 *
 * const proxy = toNodeHandler(
 *   createProxyHandler({
 *     mountPath: "/api/decart",
 *     secret: process.env.DECART_PROXY_SECRET,
 *     authorize: (request) => {
 *       const userId = userIdOf(request);
 *       return userId ? { subject: userId } : false;
 *     },
 *   }),
 * );
 * createServer((request, response) => {
 *   if (request.url?.startsWith("/api/decart/")) return void proxy(request, response);
 *   response.statusCode = 404;
 *   response.end();
 * }).listen(3000);
 * ```
 */
export function toNodeHandler(handler: ProxyHandler): NodeRequestListener {
  return async (request, response) => {
    try {
      await serveThroughHandler(handler, request, response, request.url ?? "/");
    } catch {
      sendError(response, 500, "PROXY_ERROR", "The proxy failed to handle the request");
    }
  };
}

/** Runs one Node request through a fetch-style handler. Rejects only for errors before the response started. */
export async function serveThroughHandler(
  handler: ProxyHandler,
  nodeRequest: IncomingMessage,
  nodeResponse: ServerResponse,
  path: string,
): Promise<void> {
  const disconnected = new AbortController();
  const onClose = () => {
    if (!nodeResponse.writableFinished)
      disconnected.abort(new DOMException("The client disconnected", "AbortError"));
  };
  nodeResponse.once("close", onClose);

  let request: Request;
  try {
    request = toRequest(nodeRequest, path, disconnected.signal);
  } catch {
    sendError(nodeResponse, 400, "BAD_REQUEST", "Malformed request");
    return;
  }
  const context: ProxyContext = { nodeRequest, nodeResponse };
  const response = await handler(request, context);
  if (disconnected.signal.aborted) {
    await response.body?.cancel().catch(() => {});
    return;
  }

  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers["set-cookie"] = cookies;
  // An unread request body must not be drained indefinitely on a keep-alive connection.
  if (!nodeRequest.complete && response.status >= 400) headers.connection = "close";
  nodeResponse.writeHead(response.status, response.statusText || undefined, headers);
  if (response.body === null) {
    nodeResponse.end();
    return;
  }
  try {
    await pipeline(Readable.fromWeb(response.body as import("node:stream/web").ReadableStream), nodeResponse);
  } catch {
    // The client went away or the upstream body failed: the connection is already being torn down.
    nodeResponse.destroy();
  }
}

function toRequest(nodeRequest: IncomingMessage, path: string, signal: AbortSignal): Request {
  const host = nodeRequest.headers.host ?? "localhost";
  const url = new URL(path, `http://${host}`);
  const headers = new Headers();
  const raw = nodeRequest.rawHeaders;
  for (let index = 0; index + 1 < raw.length; index += 2) {
    const name = raw[index] as string;
    if (!name.startsWith(":")) headers.append(name, raw[index + 1] as string);
  }
  const method = nodeRequest.method ?? "GET";
  // A body parser that ran first (express.json()) has read the stream to its end: nothing is left to read.
  const hasBody = method !== "GET" && method !== "HEAD" && !nodeRequest.readableEnded;
  return new Request(url, {
    method,
    headers,
    signal,
    ...(hasBody ? { body: bodyOf(nodeRequest), duplex: "half" } : {}),
  } as RequestInit);
}

/**
 * The request body as a web stream, pulled with backpressure. Unlike `Readable.toWeb`, cancelling it
 * only stops reading: destroying the socket would lose the error response (such as a 413) on its way out.
 */
function bodyOf(nodeRequest: IncomingMessage): ReadableStream<Uint8Array> {
  let cleanup = () => {};
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const onData = (chunk: Buffer) => {
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) nodeRequest.pause();
        };
        const onEnd = () => {
          cleanup();
          controller.close();
        };
        const onError = (error: Error) => {
          cleanup();
          controller.error(error);
        };
        const onClose = () => {
          if (!nodeRequest.complete) onError(new Error("The client closed the connection mid-request"));
        };
        cleanup = () => {
          nodeRequest.off("data", onData);
          nodeRequest.off("end", onEnd);
          nodeRequest.off("error", onError);
          nodeRequest.off("close", onClose);
        };
        nodeRequest.on("data", onData);
        nodeRequest.on("end", onEnd);
        nodeRequest.on("error", onError);
        nodeRequest.on("close", onClose);
        nodeRequest.pause();
      },
      pull() {
        nodeRequest.resume();
      },
      cancel() {
        cleanup();
        nodeRequest.pause();
      },
    },
    { highWaterMark: 256 * 1024, size: (chunk) => chunk.byteLength },
  );
}

export function sendError(nodeResponse: ServerResponse, status: number, code: string, message: string): void {
  if (nodeResponse.headersSent) {
    nodeResponse.destroy();
    return;
  }
  nodeResponse.writeHead(status, { "content-type": "application/json" });
  nodeResponse.end(JSON.stringify(errorBody({ message, code })));
}
