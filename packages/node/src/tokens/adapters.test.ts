import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Emulator, startEmulator } from "@decart/emulator";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { toExpressMiddleware, toNodeHandler } from "../proxy/index";
import { recordMints } from "../test-support/index";
import { createTokenHandler, type TokenHandlerOptions } from "./handler";

let emulator: Emulator;
const recorder = recordMints();
const servers: Server[] = [];

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const tokens = (options: TokenHandlerOptions = {}) =>
  createTokenHandler({
    apiKey: emulator.apiKey,
    baseUrl: emulator.url,
    fetch: recorder.fetch,
    allowedModels: ["lucy-pro-t2i", "lucy-pro-i2v"],
    authorize: (request) =>
      request.headers.get("cookie") === "session=alice" ? { subject: "alice" } : false,
    ...options,
  });

/** What Express does for `app.use("/api/decart-token", middleware)`: strip the mount from url, keep originalUrl. */
function mounted(request: IncomingMessage, mountPath: string) {
  return Object.assign(request, {
    originalUrl: request.url,
    url: request.url?.replace(mountPath, "") || "/",
  });
}

/** What `express.json()` does before the middleware: read the whole stream and leave the parsed body. */
async function jsonParsed(request: IncomingMessage): Promise<IncomingMessage & { body: unknown }> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return Object.assign(request, { body: text ? (JSON.parse(text) as unknown) : {} });
}

const post = (url: string, body?: unknown, cookie = "session=alice") =>
  fetch(url, {
    method: "POST",
    headers: { cookie, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  for (const server of servers) server.close();
  await emulator.close();
});
beforeEach(() => {
  recorder.calls.length = 0;
});

describe("the token handler's adapters", () => {
  it("serves fetch-style requests directly (Next.js route handlers, Hono, Workers)", async () => {
    const handler = tokens();
    const response = await handler(
      new Request("http://app.local/api/decart-token", {
        method: "POST",
        headers: { cookie: "session=alice" },
        body: JSON.stringify({ allowedModels: ["lucy-pro-i2v"] }),
      }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ apiKey: expect.stringMatching(/^ek_/) });
    expect(recorder.calls[0]?.body.allowedModels).toEqual(["lucy-pro-i2v"]);
  });

  it("runs behind toNodeHandler on node:http, limiting anonymous callers by the socket's address", async () => {
    const listener = toNodeHandler(
      tokens({ authorize: undefined, allowAnonymous: true, rateLimit: { points: 1 } }),
    );
    const app = await listen(
      createServer((request, response) => {
        if (request.url === "/api/decart-token") return void listener(request, response);
        response.statusCode = 404;
        response.end();
      }),
    );
    const first = await post(`${app}/api/decart-token`, { expiresIn: 10 });
    expect([first.status, first.headers.get("cache-control")]).toEqual([200, "no-store"]);
    expect(await first.json()).toMatchObject({
      apiKey: expect.stringMatching(/^ek_/),
      expiresAt: expect.any(String),
    });
    const second = await post(`${app}/api/decart-token`);
    expect([second.status, second.headers.get("retry-after")]).toEqual([429, expect.stringMatching(/^\d+$/)]);
    await second.body?.cancel();
    expect(recorder.calls.map((call) => call.body.expiresIn)).toEqual([10]);
  });

  it("works as Express-style middleware, before or after express.json()", async () => {
    const middleware = toExpressMiddleware(tokens());
    const fail = (response: import("node:http").ServerResponse) => (error?: unknown) => {
      response.statusCode = 500;
      response.end(String(error));
    };
    const app = await listen(
      createServer((request, response) => {
        if (request.url?.startsWith("/before/")) {
          return void middleware(mounted(request, "/before"), response, fail(response));
        }
        void jsonParsed(request).then((parsed) =>
          middleware(mounted(parsed, "/after"), response, fail(response)),
        );
      }),
    );
    for (const mount of ["/before", "/after"]) {
      const narrowed = await post(`${app}${mount}/api/decart-token`, { allowedModels: ["lucy-pro-t2i"] });
      expect([mount, narrowed.status]).toEqual([mount, 200]);
      expect(Object.keys((await narrowed.json()) as object).sort()).toEqual(["apiKey", "expiresAt", "token"]);
      const plain = await post(`${app}${mount}/api/decart-token`);
      expect([mount, plain.status]).toEqual([mount, 200]);
      await plain.body?.cancel();
      const widened = await post(`${app}${mount}/api/decart-token`, { allowedModels: ["lucy-pro-t2v"] });
      expect([mount, widened.status, ((await widened.json()) as { detail: string }).detail]).toEqual([
        mount,
        403,
        "The model lucy-pro-t2v is not allowed in tokens from this server",
      ]);
      const stranger = await post(`${app}${mount}/api/decart-token`, {}, "session=mallory");
      expect([mount, stranger.status]).toEqual([mount, 403]);
      await stranger.body?.cancel();
    }
    expect(recorder.calls.map((call) => call.body.allowedModels)).toEqual([
      ["lucy-pro-t2i"],
      ["lucy-pro-t2i", "lucy-pro-i2v"],
      ["lucy-pro-t2i"],
      ["lucy-pro-t2i", "lucy-pro-i2v"],
    ]);
  });
});
