import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { createDecartClient, PermissionDeniedError } from "@decart/core";
import { type Emulator, startEmulator } from "@decart/emulator";
import { models } from "@decart/models";
import { decodePng } from "@decart/test-media";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { toNodeHandler } from "../proxy/index";
import { createTokenHandler, type TokenHandlerOptions } from "./handler";

// End to end: the token handler mints from the emulator's POST /v1/client/tokens, and a page's client
// uses the token against the emulator, which enforces its models, origins and expiry.
let emulator: Emulator;
const servers: Server[] = [];
/** Every text the handler answered or logged, searched for the permanent key. */
let seenText: string[] = [];
let logged: ReturnType<typeof vi.spyOn>[] = [];

async function tokenRoute(options: TokenHandlerOptions = {}): Promise<string> {
  const listener = toNodeHandler(
    createTokenHandler({
      apiKey: emulator.apiKey,
      baseUrl: emulator.url,
      allowedModels: ["lucy-pro-t2i", "lucy-pro-t2v"],
      expiresIn: 120,
      authorize: (request) =>
        request.headers.get("cookie") === "session=alice" ? { subject: "alice" } : false,
      ...options,
    }),
  );
  const server = createServer((request, response) => void listener(request, response));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/decart-token`;
}

/** What a page does: POST to the token route with its session cookie. */
async function fetchToken(url: string, body?: object): Promise<{ apiKey: string; expiresAt: string }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { cookie: "session=alice", "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  seenText.push(JSON.stringify([...response.headers]), text);
  expect(response.status).toBe(200);
  return JSON.parse(text) as { apiKey: string; expiresAt: string };
}

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  for (const server of servers) server.close();
  await emulator.close();
});
beforeEach(() => {
  seenText = [];
  logged = (["log", "info", "warn", "error", "debug"] as const).map((level) =>
    vi.spyOn(console, level).mockImplementation((...parts: unknown[]) => {
      seenText.push(parts.map((part) => inspect(part, { depth: 8 })).join(" "));
    }),
  );
});
afterEach(() => {
  expect(seenText.filter((text) => text.includes(emulator.apiKey))).toEqual([]);
  for (const spy of logged) spy.mockRestore();
});

describe("tokens from the emulator", () => {
  it("a page's client gets its key from the route and generates with it", async () => {
    const url = await tokenRoute();
    let asked = 0;
    const page = createDecartClient({
      baseUrl: emulator.url,
      apiKey: async () => {
        asked++;
        return fetchToken(url);
      },
    });
    const image = await page.process({
      model: models.image("lucy-pro-t2i"),
      prompt: "A lighthouse at dawn",
      seed: 3,
    });
    const folder = await mkdtemp(join(tmpdir(), "decart-tokens-"));
    try {
      await writeFile(join(folder, "image.png"), new Uint8Array(await image.arrayBuffer()));
      const png = decodePng(join(folder, "image.png"));
      expect([png.width, png.height]).toEqual([1280, 704]);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
    await page.process({
      model: models.image("lucy-pro-t2i"),
      prompt: "The same lighthouse at dusk",
      seed: 4,
    });
    expect(asked).toBe(1);
  }, 60_000);

  it("mints with the handler's cap and the page's narrowing, which the emulator enforces", async () => {
    const url = await tokenRoute({ allowedOrigins: ["https://app.example.com"] });
    const before = Date.now();
    const token = await fetchToken(url, { allowedModels: ["lucy-pro-t2i"], expiresIn: 3600 });
    expect(token.apiKey).toMatch(/^ek_/);
    const lifetime = Date.parse(token.expiresAt) - before;
    expect(lifetime).toBeGreaterThan(100_000);
    expect(lifetime).toBeLessThanOrEqual(121_000);

    const withToken = (model: string, origin = "https://app.example.com") => {
      const body = new FormData();
      body.set("prompt", "A lighthouse at dawn");
      return fetch(`${emulator.url}/v1/generate/${model}`, {
        method: "POST",
        headers: { "x-api-key": token.apiKey, origin },
        body,
      });
    };
    const allowed = await withToken("lucy-pro-t2i");
    expect([allowed.status, allowed.headers.get("content-type")]).toEqual([200, "image/png"]);
    await allowed.arrayBuffer();
    // Narrowed by the page: the handler allowed lucy-pro-t2v, this token does not.
    expect((await withToken("lucy-pro-t2v")).status).toBe(403);
    expect((await withToken("lucy-pro-t2i", "https://evil.example.com")).status).toBe(403);

    const page = createDecartClient({ baseUrl: emulator.url, apiKey: token.apiKey });
    await expect(
      page.process({ model: models.video("lucy-pro-t2v"), prompt: "A lake", resolution: "480p" }),
    ).rejects.toBeInstanceOf(PermissionDeniedError);
  }, 60_000);

  it("never mints wider than the handler allows, whatever the page asks", async () => {
    const url = await tokenRoute();
    const response = await fetch(url, {
      method: "POST",
      headers: { cookie: "session=alice" },
      body: JSON.stringify({ allowedModels: ["lucy-pro-i2v"] }),
    });
    const body = (await response.json()) as { detail: string };
    seenText.push(JSON.stringify(body));
    expect([response.status, body.detail]).toEqual([
      403,
      "The model lucy-pro-i2v is not allowed in tokens from this server",
    ]);
  });
});
