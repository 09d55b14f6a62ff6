/**
 * A small scriptable HTTP server on loopback for SDK tests.
 *
 * ```ts
 * const server = await startTestServer();
 * server.route("POST /v1/generate/lucy-pro-t2i", { status: 503, headers: { "retry-after": "0" } }, { body: png, type: "image/png" });
 * // ... call the client with baseUrl: server.url ...
 * server.requests[0].form?.get("prompt"); // what the client sent, parsed
 * await server.close();
 * ```
 *
 * Each route holds a queue of scripted replies: every request takes the next one and the last one
 * repeats. Unrouted requests get a 404 JSON error. Every request is recorded with its headers, raw body
 * and (for multipart) parsed form, plus whether the client went away before the exchange finished.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** One scripted reply. */
export interface Reply {
  /** HTTP status. @default 200 */
  status?: number;
  /** Response headers. */
  headers?: Record<string, string>;
  /** A string, bytes, or a value sent as JSON. */
  body?: string | Uint8Array | object;
  /** Content-Type; defaults to application/json for objects, text/plain for strings. */
  type?: string;
  /** Wait this long (ms) after the request body arrived before answering. */
  delay?: number;
  /** Read the body at a trickle and never answer (the client must give up). */
  stall?: boolean;
  /** Send headers and part of the body, then destroy the socket. */
  truncate?: boolean;
  /** Destroy the socket without answering. */
  reset?: boolean;
  /** Send headers and half the body, then wait this long (ms) before the rest. */
  pauseMidBody?: number;
  /**
   * Drip the reply: `headers` writes the status line and each header line this many ms apart (raw on
   * the socket); `body` writes the body in chunks of `bytes` (default 16) this many ms apart.
   */
  drip?: { headers?: number; body?: number; bytes?: number };
  /** Read the request body slowly: wait this many ms after each chunk received, then answer. */
  readPace?: number;
}

/** A reply, or a function of the recorded request that returns one. */
export type Script = Reply | ((request: RecordedRequest) => Reply | Promise<Reply>);

/** A multipart file part as received. */
export interface ReceivedFile {
  name: string;
  type: string;
  size: number;
  bytes: Uint8Array;
}

/** A request as the server saw it. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** The raw body (empty when stalled). */
  body: Uint8Array;
  /** The parsed multipart body: strings for fields, `ReceivedFile` for files. */
  form: Map<string, string | ReceivedFile> | undefined;
  /** When the request arrived (performance.now()). */
  receivedAt: number;
  /** True once the client closed the connection before the reply was fully sent. */
  aborted: boolean;
}

export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Every request so far, in arrival order. */
  requests: RecordedRequest[];
  /** Scripts replies for `"METHOD /path"`; replies are used in order and the last repeats. */
  route(key: string, ...replies: Script[]): void;
  /** Requests to `"METHOD /path"`. */
  requestsTo(key: string): RecordedRequest[];
  /** Resolves with the first (past or future) request matching the predicate. */
  waitFor(predicate: (request: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest>;
  /** Forgets routes and recorded requests. */
  reset(): void;
  close(): Promise<void>;
}

async function parseForm(request: RecordedRequest): Promise<RecordedRequest["form"]> {
  const type = request.headers["content-type"];
  if (typeof type !== "string" || !type.startsWith("multipart/form-data")) return undefined;
  const parsed = await new Request("http://test.invalid/", {
    method: "POST",
    headers: { "content-type": type },
    body: request.body as Uint8Array<ArrayBuffer>,
  }).formData();
  const form = new Map<string, string | ReceivedFile>();
  for (const [key, value] of parsed) {
    if (typeof value === "string") form.set(key, value);
    else {
      const bytes = new Uint8Array(await value.arrayBuffer());
      form.set(key, { name: value.name, type: value.type, size: value.size, bytes });
    }
  }
  return form;
}

/** Writes a reply slowly: its head line by line on the raw socket, and/or its body in small chunks. */
async function drip(
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  status: number,
  headers: Record<string, string | number>,
  body: Buffer,
  pace: { headers?: number; body?: number; bytes?: number },
): Promise<void> {
  const socket = incoming.socket;
  let closed = false;
  const onClose = () => {
    closed = true;
  };
  socket.once("close", onClose);
  // A kept-alive socket outlives this response: its listener goes with the response.
  outgoing.once("close", () => socket.off("close", onClose));
  const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const size = pace.bytes ?? 16;
  const chunks = (bytes: Buffer) =>
    Array.from({ length: Math.ceil(bytes.length / size) }, (_, index) =>
      bytes.subarray(index * size, index * size + size),
    );
  if (pace.headers !== undefined) {
    const lines = [
      `HTTP/1.1 ${status} Status`,
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    ];
    lines.push("connection: close", ""); // the empty line ends the head
    for (const line of lines) {
      if (closed) return;
      socket.write(`${line}\r\n`);
      await wait(pace.headers);
    }
    for (const chunk of pace.body === undefined ? [body] : chunks(body)) {
      if (closed) return;
      socket.write(chunk);
      if (pace.body !== undefined) await wait(pace.body);
    }
    socket.end();
    return;
  }
  outgoing.writeHead(status, headers);
  for (const chunk of chunks(body)) {
    if (closed) return;
    outgoing.write(chunk);
    await wait(pace.body ?? 0);
  }
  outgoing.end();
}

/** Starts a server on 127.0.0.1 with a free port. */
export async function startTestServer(): Promise<TestServer> {
  const routes = new Map<string, Script[]>();
  const requests: RecordedRequest[] = [];
  const waiters = new Set<{
    predicate: (request: RecordedRequest) => boolean;
    resolve: (request: RecordedRequest) => void;
  }>();
  const sockets = new Set<Socket>();

  const notify = (recorded: RecordedRequest) => {
    for (const waiter of waiters) {
      if (waiter.predicate(recorded)) {
        waiters.delete(waiter);
        waiter.resolve(recorded);
      }
    }
  };

  const nextReply = async (recorded: RecordedRequest): Promise<Reply> => {
    const queue = routes.get(`${recorded.method} ${recorded.path}`);
    if (!queue || queue.length === 0) {
      return {
        status: 404,
        body: { error: { code: "NOT_FOUND", message: `No route for ${recorded.method} ${recorded.path}` } },
      };
    }
    const script = (queue.length > 1 ? queue.shift() : queue[0]) as Script;
    return typeof script === "function" ? script(recorded) : script;
  };

  const handle = async (incoming: IncomingMessage, outgoing: ServerResponse) => {
    const url = new URL(incoming.url ?? "/", "http://127.0.0.1");
    const recorded: RecordedRequest = {
      method: incoming.method ?? "GET",
      path: url.pathname,
      url: url.href,
      headers: incoming.headers,
      body: new Uint8Array(),
      form: undefined,
      receivedAt: performance.now(),
      aborted: false,
    };
    requests.push(recorded);
    const onClose = () => {
      if (!outgoing.writableFinished) recorded.aborted = true;
    };
    outgoing.once("close", () => {
      onClose();
      incoming.socket.off("close", onClose);
    });
    incoming.socket.once("close", onClose);
    const queue = routes.get(`${recorded.method} ${recorded.path}`);
    const peek = queue?.[0];
    if (peek && typeof peek !== "function" && peek.stall) {
      if (queue && queue.length > 1) queue.shift();
      notify(recorded);
      // Read a trickle (so a dropped connection is noticed) and never answer.
      let timer: ReturnType<typeof setTimeout> | undefined;
      incoming.on("data", () => {
        incoming.pause();
        timer = setTimeout(() => incoming.resume(), 20);
      });
      incoming.once("close", () => clearTimeout(timer));
      return;
    }
    const chunks: Buffer[] = [];
    const readPace = peek && typeof peek !== "function" ? peek.readPace : undefined;
    try {
      for await (const chunk of incoming) {
        chunks.push(chunk as Buffer);
        if (readPace) await new Promise((resolve) => setTimeout(resolve, readPace));
      }
    } catch {
      recorded.aborted = true;
      notify(recorded);
      return;
    }
    recorded.body = new Uint8Array(Buffer.concat(chunks));
    try {
      recorded.form = await parseForm(recorded);
    } catch {
      recorded.form = undefined;
    }
    notify(recorded);
    const reply = await nextReply(recorded);
    if (reply.delay) await new Promise((resolve) => setTimeout(resolve, reply.delay));
    if (reply.reset) {
      incoming.socket.destroy();
      return;
    }
    let body: Uint8Array | string = "";
    let type = reply.type;
    if (typeof reply.body === "string") {
      body = reply.body;
      type ??= "text/plain; charset=utf-8";
    } else if (reply.body instanceof Uint8Array) {
      body = reply.body;
      type ??= "application/octet-stream";
    } else if (reply.body !== undefined) {
      body = JSON.stringify(reply.body);
      type ??= "application/json";
    }
    const headers: Record<string, string | number> = {
      "x-request-id": `req_${requests.length}`,
      ...reply.headers,
    };
    if (type) headers["content-type"] = type;
    if (reply.truncate) {
      const bytes = typeof body === "string" ? Buffer.from(body) : Buffer.from(body);
      outgoing.writeHead(reply.status ?? 200, { ...headers, "content-length": bytes.length });
      outgoing.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => incoming.socket.destroy());
      return;
    }
    headers["content-length"] = Buffer.byteLength(body);
    if (reply.drip) {
      await drip(incoming, outgoing, reply.status ?? 200, headers, Buffer.from(body), reply.drip);
      return;
    }
    outgoing.writeHead(reply.status ?? 200, headers);
    if (reply.pauseMidBody) {
      const bytes = Buffer.from(body);
      const half = Math.floor(bytes.length / 2);
      outgoing.write(bytes.subarray(0, half));
      const timer = setTimeout(() => outgoing.end(bytes.subarray(half)), reply.pauseMidBody);
      outgoing.once("close", () => clearTimeout(timer));
      return;
    }
    outgoing.end(body);
  };

  const server: Server = createServer((incoming, outgoing) => {
    handle(incoming, outgoing).catch((error: unknown) => {
      if (!outgoing.headersSent) {
        outgoing.writeHead(500, { "content-type": "text/plain" });
        outgoing.end(String(error));
      }
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    route(key, ...replies) {
      routes.set(key, replies);
    },
    requestsTo(key) {
      return requests.filter((request) => `${request.method} ${request.path}` === key);
    },
    waitFor(predicate, timeoutMs = 5_000) {
      const found = requests.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = {
          predicate,
          resolve: (request: RecordedRequest) => {
            clearTimeout(timer);
            resolve(request);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`No matching request within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    reset() {
      routes.clear();
      requests.length = 0;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}
