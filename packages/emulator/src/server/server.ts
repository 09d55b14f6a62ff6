import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { headers as protocolHeaders } from "@decart/core/protocol";
import { errorResponse, HttpError } from "../http/index";
import { requestId } from "./dispatch";

/** What {@link listen} serves and where. */
export interface ServerOptions {
  readonly port: number;
  readonly host: string;
  readonly extensions: boolean;
  /** See `EmulatorLimits.headersTimeoutMs`. */
  readonly headersTimeoutMs: number;
  /** See `EmulatorLimits.requestTimeoutMs`. */
  readonly requestTimeoutMs: number;
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

/** The answer to a connection-level error: what Node reports as the client's fault. */
function refusalOf(error: NodeJS.ErrnoException): { error: HttpError; reason: string } {
  switch (error.code) {
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return {
        error: new HttpError(408, "REQUEST_TIMEOUT", "The request did not arrive in time"),
        reason: "Request Timeout",
      };
    case "HPE_HEADER_OVERFLOW":
      return {
        error: new HttpError(431, "HEADERS_TOO_LARGE", "The request headers are too large"),
        reason: "Request Header Fields Too Large",
      };
    default:
      return { error: new HttpError(400, "BAD_REQUEST", "Malformed HTTP request"), reason: "Bad Request" };
  }
}

/**
 * Answers a connection Node gave up on (unparseable request, headers or body too slow) in the wire's JSON
 * shape, written straight to the socket, then hangs up; when an answer is already under way it only hangs
 * up. A handler still reading that request sees its client gone and stops.
 */
function answerClientError(
  error: NodeJS.ErrnoException,
  socket: Socket,
  response: ServerResponse | undefined,
  extensions: boolean,
): void {
  if (!socket.writable || socket.destroyed || error.code === "ECONNRESET" || response?.headersSent) {
    socket.destroy();
    return;
  }
  const refusal = refusalOf(error);
  const { status, body } = errorResponse(refusal.error, extensions);
  const text = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${refusal.reason}\r\n` +
      `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\n` +
      `${protocolHeaders.requestId}: ${requestId()}\r\nconnection: close\r\n\r\n${text}`,
  );
}

/**
 * How long an idle keep-alive connection stays open: longer than any client keeps one in its pool, so
 * the client is always the side that closes it. A server that closes first races the client's next
 * request on that connection: a request sent before the client has seen the FIN goes out on a dead
 * connection and fails (workerd: "Network connection lost"), and a POST is not retried. workerd's pool
 * drops a connection 5 s after it is handed back, which can be a second or more after the last byte
 * arrived; Node's default (5 s, and 1 s of slack) closed such connections first. Others pool for
 * longer still: Deno 90 s, Chromium and Bun 5 min; undici follows the `Keep-Alive: timeout` hint.
 */
const idleKeepAliveMs = 10 * 60_000;

function createHttpServer(options: ServerOptions): Server {
  /** The response a handler holds on each connection, until it is finished. */
  const responses = new WeakMap<Socket, ServerResponse>();
  const server = createServer(
    {
      headersTimeout: options.headersTimeoutMs,
      requestTimeout: options.requestTimeoutMs,
      // How often Node checks those two timeouts: often enough that they are kept to within a quarter.
      connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(options.headersTimeoutMs / 4))),
      keepAliveTimeout: idleKeepAliveMs,
    },
    (request, response) => {
      const socket = request.socket;
      responses.set(socket, response);
      response.once("close", () => {
        if (responses.get(socket) === response) responses.delete(socket);
      });
      options.handle(request, response);
    },
  );
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) =>
    answerClientError(error, socket, responses.get(socket), options.extensions),
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
