import { createHash, randomBytes } from "node:crypto";
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { InvalidAPIKeyError } from "@decart/core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ProxyConfigurationError } from "./errors";
import { toExpressMiddleware } from "./express";
import { createProxyHandler, type ProxyOptions } from "./handler";
import { toNodeHandler } from "./node";

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  sha256: string;
  bytes: number;
  completed: boolean;
}

const serverKey = "server-secret-key";
const secret = "a-test-secret-of-at-least-32-characters";
/** Every byte value, then invalid UTF-8 sequences, then random bytes: text decoding would mangle it. */
const binary = Buffer.concat([
  Buffer.from(Array.from({ length: 256 }, (_, index) => index)),
  Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0xf0, 0x28, 0x8c, 0xbc, 0xff, 0xfe, 0xfd]),
  randomBytes(3 * 1024 * 1024),
]);
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

let received: Received[] = [];
let upstreamClosedEarly: () => void = () => {};
const upstream = createServer((request, response) => {
  const hash = createHash("sha256");
  const record: Received = {
    method: request.method ?? "",
    url: request.url ?? "",
    headers: request.headers,
    sha256: "",
    bytes: 0,
    completed: false,
  };
  received.push(record);
  request.on("data", (chunk: Buffer) => {
    hash.update(chunk);
    record.bytes += chunk.byteLength;
  });
  request.on("end", () => {
    record.completed = true;
    record.sha256 = hash.digest("hex");
    if (request.url === "/v1/generate/lucy-pro-t2i") {
      response.writeHead(200, {
        "content-type": "image/png",
        "x-request-id": "req-123",
        "x-decart-seed": "42",
        "set-cookie": "upstream=1",
        "x-received-sha256": record.sha256,
      });
      response.end(binary);
    } else if (request.url === "/v1/jobs/lucy-pro-t2v") {
      response.writeHead(429, {
        "content-type": "application/json",
        "retry-after": "7",
        "x-request-id": "req-429",
      });
      response.end(JSON.stringify({ error: { code: "RATE_LIMITED", message: "Slow down" } }));
    } else if (request.url === "/v1/jobs/slow-model") {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ job_id: "slow", status: "pending" }));
    } else if (request.url === "/v1/jobs/slow/content") {
      response.writeHead(200, { "content-type": "video/mp4" });
      response.write(Buffer.alloc(1024));
      response.on("close", () => {
        if (!response.writableFinished) upstreamClosedEarly();
      });
    } else {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ job_id: "abc", status: "processing" }));
    }
  });
});

let upstreamUrl: string;
const servers: Server[] = [];
async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
async function proxyServer(options: ProxyOptions = {}): Promise<string> {
  const handler = toNodeHandler(
    createProxyHandler({
      apiKey: serverKey,
      baseUrl: upstreamUrl,
      mountPath: "/api/decart",
      allowAnonymous: true,
      secret,
      ...options,
    }),
  );
  return listen(createServer((request, response) => void handler(request, response)));
}

beforeAll(async () => {
  upstreamUrl = await listen(upstream);
});
afterAll(() => {
  for (const server of servers) server.close();
});
beforeEach(() => {
  received = [];
});

function multipart(boundary: string): Buffer {
  return Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="prompt"\r\n\r\nA lake\r\n`),
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="data"; filename="in.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    binary,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
}

/** A raw HTTP request that reports the status even when the server closes mid-upload. */
function rawRequest(
  url: string,
  options: { method: string; headers?: Record<string, string>; chunks: Buffer[] },
) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const request = httpRequest(url, { method: options.method, headers: options.headers }, (response) => {
      let body = "";
      response.setEncoding("utf8").on("data", (text: string) => {
        body += text;
      });
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on("error", reject);
    for (const chunk of options.chunks) request.write(chunk);
    request.end();
  });
}

describe("createProxyHandler through node:http", () => {
  it("streams a binary multipart upload and a binary response byte for byte, with the server's key only", async () => {
    const proxy = await proxyServer();
    const boundary = "----decart-test-boundary";
    const body = multipart(boundary);
    for (const streamed of [false, true]) {
      received = [];
      const response = await fetch(`${proxy}/api/decart/v1/generate/lucy-pro-t2i`, {
        method: "POST",
        headers: {
          "content-type": `multipart/form-data; boundary=${boundary}`,
          "x-api-key": "browser-key",
          authorization: "Bearer browser-token",
          cookie: "session=browser",
          "idempotency-key": "idem-1",
          "x-csrf-token": "csrf-of-the-app",
          "x-user": "alice",
          "cf-connecting-ip": "203.0.113.7",
          "user-agent": "decart-ts-sdk/1.0.0 lang/js runtime/browser",
          traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        },
        body: streamed ? new Blob([new Uint8Array(body)]).stream() : body,
        duplex: "half",
      } as RequestInit);
      expect(response.status).toBe(200);
      expect(sha256(new Uint8Array(await response.arrayBuffer()))).toBe(sha256(binary));
      expect(response.headers.get("x-request-id")).toBe("req-123");
      expect(response.headers.get("x-decart-seed")).toBe("42");
      expect(response.headers.get("set-cookie")).toBeNull();
      const [record] = received;
      expect(record?.sha256).toBe(sha256(body));
      expect(record?.bytes).toBe(body.byteLength);
      expect(record?.headers["x-api-key"]).toBe(serverKey);
      expect(record?.headers.authorization).toBeUndefined();
      expect(record?.headers.cookie).toBeUndefined();
      expect(record?.headers["idempotency-key"]).toBe("idem-1");
      expect(record?.headers["content-type"]).toBe(`multipart/form-data; boundary=${boundary}`);
      // Only what the API reads goes upstream: not the app's own headers, nor the caller's address.
      for (const name of ["x-csrf-token", "x-user", "cf-connecting-ip"])
        expect(record?.headers[name]).toBeUndefined();
      expect(record?.headers["user-agent"]).toBe("decart-ts-sdk/1.0.0 lang/js runtime/browser");
      expect(record?.headers.traceparent).toBe("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    }
  });

  it("keeps a binary upload byte-identical when a models predicate reads the form first", async () => {
    const seen: [string, string, number][] = [];
    const proxy = await proxyServer({
      models: async (model, inputs) => {
        const data = inputs.data;
        if (!(data instanceof Blob)) return false;
        seen.push([model, String(inputs.prompt), data.size]);
        return sha256(new Uint8Array(await data.arrayBuffer())) === sha256(binary);
      },
    });
    const boundary = "----decart-predicate-boundary";
    const body = multipart(boundary);
    const response = await fetch(`${proxy}/api/decart/v1/generate/lucy-pro-t2i`, {
      method: "POST",
      headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
      body: new Uint8Array(body),
    });
    expect(response.status).toBe(200);
    expect(sha256(new Uint8Array(await response.arrayBuffer()))).toBe(sha256(binary));
    expect(seen).toEqual([["lucy-pro-t2i", "A lake", binary.byteLength]]);
    expect(received.map((record) => [record.sha256, record.bytes])).toEqual([
      [sha256(body), body.byteLength],
    ]);

    const unreadable = await fetch(`${proxy}/api/decart/v1/generate/lucy-pro-t2i`, {
      method: "POST",
      headers: { "content-type": "multipart/form-data; boundary=nope" },
      body: "not a form",
    });
    expect(unreadable.status).toBe(400);
    expect(received).toHaveLength(1);
  });

  it("forwards every Process API route and method, job routes by the scoped id the submit handed out", async () => {
    const proxy = await proxyServer();
    const submitted = await fetch(`${proxy}/api/decart/v1/jobs/lucy-pro-i2v`, {
      method: "POST",
      headers: { "x-api-key": "browser-key" },
    });
    const { job_id: scopedId } = (await submitted.json()) as { job_id: string };
    expect(scopedId).not.toBe("abc");
    const calls: [string, string][] = [
      ["GET", `/v1/jobs/${scopedId}`],
      ["GET", `/v1/jobs/${scopedId}/content`],
      ["POST", `/v1/jobs/${scopedId}/cancel`],
    ];
    for (const [method, path] of calls) {
      const response = await fetch(`${proxy}/api/decart${path}`, {
        method,
        headers: { "x-api-key": "browser-key" },
      });
      expect(response.status).toBe(200);
      if (method === "GET" && !path.endsWith("/content")) {
        expect(await response.json()).toEqual({ job_id: scopedId, status: "processing" });
      }
    }
    expect(received.map((record) => [record.method, record.url])).toEqual([
      ["POST", "/v1/jobs/lucy-pro-i2v"],
      ["GET", "/v1/jobs/abc"],
      ["GET", "/v1/jobs/abc/content"],
      ["POST", "/v1/jobs/abc/cancel"],
    ]);
    expect(received.every((record) => record.headers["x-api-key"] === serverKey)).toBe(true);
  });

  it("rejects other routes (404) and methods (405) with the API's JSON error, forwarding nothing", async () => {
    const proxy = await proxyServer();
    const cases: [string, string, number][] = [
      ["GET", "/api/decart/v1/models", 404],
      ["GET", "/api/decart/v2/jobs/abc", 404],
      ["GET", "/api/decart/v1/jobs/abc/content/extra", 404],
      ["GET", "/api/decart/v1/jobs/%2e%2e/content", 404],
      ["GET", "/api/decart/v1/jobs/a%2Fb", 404],
      ["GET", "/elsewhere/v1/jobs/abc", 404],
      ["DELETE", "/api/decart/v1/jobs/abc", 405],
      ["GET", "/api/decart/v1/generate/lucy-pro-t2i", 405],
      ["PUT", "/api/decart/v1/jobs/abc/cancel", 405],
    ];
    for (const [method, path, status] of cases) {
      const response = await fetch(`${proxy}${path}`, { method });
      expect([path, response.status]).toEqual([path, status]);
      const body = (await response.json()) as { detail: string; code: string };
      expect(body.code).toMatch(status === 404 ? /^(JOB_)?NOT_FOUND$/ : /^METHOD_NOT_ALLOWED$/);
      expect(body.detail).toBeTruthy();
      if (status === 405) expect(response.headers.get("allow")).toBeTruthy();
    }
    expect(received).toEqual([]);
  });

  it("asks authorize first: false is 403, a Response is sent as is", async () => {
    const generate = (user: string, init: RequestInit = {}) =>
      fetch(`${proxy}/api/decart/v1/generate/lucy-pro-t2i`, {
        method: "POST",
        body: "x",
        headers: { "x-user": user },
        ...init,
      });
    const seen: string[] = [];
    const proxy = await proxyServer({
      authorize: (request) => {
        seen.push(request.headers.get("x-user") ?? "");
        if (request.headers.get("x-user") === "login")
          return Response.redirect("http://localhost/login", 302);
        return request.headers.get("x-user") === "alice";
      },
    });
    const denied = await generate("mallory");
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { code: string }).code).toBe("FORBIDDEN");
    const redirected = await generate("login", { redirect: "manual" });
    expect(redirected.status).toBe(302);
    expect(received).toEqual([]);
    const allowed = await generate("alice");
    expect(allowed.status).toBe(200);
    await allowed.arrayBuffer();
    expect(seen).toEqual(["mallory", "login", "alice"]);
  });

  it("answers 413 above maxBodyBytes, by Content-Length or by counting a chunked upload", async () => {
    const proxy = await proxyServer({ maxBodyBytes: 1024 * 1024 });
    const big = Buffer.alloc(2 * 1024 * 1024, 1);
    const declared = await rawRequest(`${proxy}/api/decart/v1/jobs/lucy-pro-t2v`, {
      method: "POST",
      headers: { "content-length": String(big.byteLength) },
      chunks: [big],
    });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body).code).toBe("PAYLOAD_TOO_LARGE");
    expect(received).toEqual([]);

    const chunked = await rawRequest(`${proxy}/api/decart/v1/jobs/lucy-pro-i2v`, {
      method: "POST",
      headers: { "transfer-encoding": "chunked" },
      chunks: Array.from({ length: 32 }, () => Buffer.alloc(64 * 1024, 2)),
    });
    expect(chunked.status).toBe(413);
    // The upstream may have seen the start of the upload, never its end.
    expect(received.every((record) => !record.completed && record.bytes <= 1024 * 1024)).toBe(true);

    const small = await fetch(`${proxy}/api/decart/v1/jobs/lucy-pro-i2v`, {
      method: "POST",
      body: Buffer.alloc(1024 * 1024),
    });
    expect(small.status).toBe(200);
  });

  it("passes upstream errors through with their status, headers and body", async () => {
    const proxy = await proxyServer();
    const response = await fetch(`${proxy}/api/decart/v1/jobs/lucy-pro-t2v`, { method: "POST", body: "x" });
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("7");
    expect(response.headers.get("x-request-id")).toBe("req-429");
    expect(await response.json()).toEqual({ error: { code: "RATE_LIMITED", message: "Slow down" } });
  });

  it("answers 502 with the JSON error when the API is unreachable", async () => {
    const closed = createServer();
    const deadUrl = await listen(closed);
    closed.close();
    const proxy = await proxyServer({ baseUrl: deadUrl });
    const response = await fetch(`${proxy}/api/decart/v1/generate/lucy-pro-t2i`, {
      method: "POST",
      body: "x",
    });
    expect(response.status).toBe(502);
    expect(((await response.json()) as { code: string }).code).toBe("BAD_GATEWAY");
  });

  it("aborts the upstream request when the client disconnects", async () => {
    const proxy = await proxyServer();
    const submitted = await fetch(`${proxy}/api/decart/v1/jobs/slow-model`, { method: "POST", body: "x" });
    const { job_id: scopedId } = (await submitted.json()) as { job_id: string };
    const upstreamClosed = new Promise<void>((resolve) => {
      upstreamClosedEarly = resolve;
    });
    const client = httpRequest(`${proxy}/api/decart/v1/jobs/${scopedId}/content`, (response) => {
      response.once("data", () => client.destroy());
    });
    client.on("error", () => {});
    client.end();
    await expect(
      Promise.race([
        upstreamClosed.then(() => "aborted"),
        new Promise((resolve) => setTimeout(resolve, 3000, "still open")),
      ]),
    ).resolves.toBe("aborted");
  });
});

describe("adapters", () => {
  it("serves fetch-style requests directly (Next.js, Hono)", async () => {
    const handler = createProxyHandler({
      apiKey: serverKey,
      baseUrl: upstreamUrl,
      allowAnonymous: true,
      secret,
    });
    const response = await handler(
      new Request("http://app.local/anything/v1/generate/lucy-pro-t2i", {
        method: "POST",
        body: binary,
        headers: { "x-api-key": "nope" },
      }),
    );
    expect(response.status).toBe(200);
    expect(received[0]?.sha256).toBe(sha256(binary));
    expect(received[0]?.headers["x-api-key"]).toBe(serverKey);
    await response.body?.cancel();
  });

  it("works as Express-style middleware, matching on originalUrl", async () => {
    const middleware = toExpressMiddleware(
      createProxyHandler({
        apiKey: serverKey,
        baseUrl: upstreamUrl,
        mountPath: "/api/decart",
        allowAnonymous: true,
        secret,
      }),
    );
    const app = await listen(
      createServer((request, response) => {
        // What Express does for app.use("/api/decart", middleware): strip the mount from url, keep originalUrl.
        const mounted = Object.assign(request, {
          originalUrl: request.url,
          url: request.url?.replace("/api/decart", ""),
        });
        middleware(mounted, response, (error) => {
          response.statusCode = 500;
          response.end(String(error));
        });
      }),
    );
    const response = await fetch(`${app}/api/decart/v1/jobs/lucy-pro-i2v`, { method: "POST", body: "x" });
    const job = (await response.json()) as { job_id: string; status: string };
    expect(job.status).toBe("processing");
    const status = await fetch(`${app}/api/decart/v1/jobs/${job.job_id}`);
    expect(await status.json()).toEqual(job);
  });

  it("needs an API key and an http(s) base URL", () => {
    const saved = process.env.DECART_API_KEY;
    delete process.env.DECART_API_KEY;
    try {
      expect(() => createProxyHandler()).toThrow(InvalidAPIKeyError);
      expect(() => createProxyHandler({ apiKey: "  " })).toThrow(InvalidAPIKeyError);
      expect(() => createProxyHandler({ apiKey: "k", baseUrl: "ftp://x" })).toThrow(/http\(s\)/);
      expect(() => createProxyHandler({ apiKey: "k", authorize: () => ({ subject: "a" }) })).toThrow(
        ProxyConfigurationError,
      );
      expect(() => createProxyHandler({ apiKey: "k", authorize: () => true, secret: "short" })).toThrow(
        /DECART_PROXY_SECRET/,
      );
    } finally {
      if (saved !== undefined) process.env.DECART_API_KEY = saved;
    }
  });
});
