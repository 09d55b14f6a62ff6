import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { headers as protocolHeaders } from "@decart/core/protocol";
import { requestId } from "./dispatch";
import { errorResponse, HttpError } from "./http-error";

/** What {@link listen} serves and where. */
export interface ServerOptions {
  readonly port: number;
  readonly host: string;
  readonly extensions: boolean;
  readonly handle: (request: IncomingMessage, response: ServerResponse) => void;
}

/** A listening HTTP server. */
export interface Listening {
  readonly url: string;
  readonly port: number;
  /** Stops accepting connections and closes idle ones; the promise resolves when the last one is gone. */
  stop(): Promise<void>;
  /** Drops every connection, busy or not. */
  dropConnections(): void;
}

/** Answers a request Node could not even parse (request line or headers) in the same JSON shape, then hangs up. */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket, extensions: boolean): void {
  if (!socket.writable || socket.destroyed || error.code === "ECONNRESET") {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === "HPE_HEADER_OVERFLOW";
  const refusal = tooLarge
    ? new HttpError(431, "HEADERS_TOO_LARGE", "The request headers are too large")
    : new HttpError(400, "BAD_REQUEST", "Malformed HTTP request");
  const body = JSON.stringify(errorResponse(refusal, extensions).body);
  socket.end(
    `HTTP/1.1 ${tooLarge ? "431 Request Header Fields Too Large" : "400 Bad Request"}\r\n` +
      `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
      `${protocolHeaders.requestId}: ${requestId()}\r\nconnection: close\r\n\r\n${body}`,
  );
}

function createHttpServer(options: ServerOptions): Server {
  const server = createServer(
    { requestTimeout: 0, headersTimeout: 30_000, keepAliveTimeout: 5_000 },
    options.handle,
  );
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) =>
    answerClientError(error, socket, options.extensions),
  );
  return server;
}

/** Starts an HTTP server on `host:port` that passes every request to `handle`. */
export async function listen(options: ServerOptions): Promise<Listening> {
  const server = createHttpServer(options);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = options.host.includes(":") ? `[${options.host}]` : options.host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    stop() {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      return stopped;
    },
    dropConnections: () => server.closeAllConnections(),
  };
}
