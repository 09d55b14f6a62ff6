import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { InvalidAPIKeyError, InvalidBaseURLError } from "@decart/core";
import { type Emulator, startEmulator } from "@decart/emulator";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type ProxyAuthorize, ProxyConfigurationError, toNodeHandler } from "../proxy/index";
import { recordMints, startTokenApi, type TokenApi } from "../test-support/index";
import type { TokenMintEvent, TokenRefusalEvent } from "./events";
import { createTokenHandler, type TokenHandlerOptions } from "./handler";

// Handlers mint from the emulator; the faults it will not produce on demand come from a scripted stand-in.
let emulator: Emulator;
let api: TokenApi;
/** Every mint the handlers sent the emulator, as sent. */
const recorder = recordMints();
const calls = recorder.calls;
const servers: Server[] = [];
/** Every text the handlers answered, logged or reported, searched for the permanent key. */
let seenText: string[] = [];
let logged: ReturnType<typeof vi.spyOn>[] = [];

/** Signed-in users say who they are in `x-user` (a stand-in for a session cookie); nobody else gets in. */
const bySubjectHeader: ProxyAuthorize = (request) => {
  const user = request.headers.get("x-user");
  return user ? { subject: user } : false;
};

/** A token handler on a loopback `node:http` server, minting from the emulator. */
async function serve(options: TokenHandlerOptions = {}): Promise<string> {
  return listen({ apiKey: emulator.apiKey, baseUrl: emulator.url, fetch: recorder.fetch, ...options });
}

/** A token handler minting from the scripted stand-in, for its faults. */
async function serveFaulty(options: TokenHandlerOptions = {}): Promise<string> {
  return listen({ apiKey: api.apiKey, baseUrl: api.url, ...options });
}

async function listen(options: TokenHandlerOptions): Promise<string> {
  const listener = toNodeHandler(createTokenHandler({ authorize: bySubjectHeader, ...options }));
  const server = createServer((request, response) => void listener(request, response));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/decart-token`;
}

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** The page's request: `body` is sent as JSON, a string as it is. */
async function ask(
  url: string,
  init: { user?: string; body?: unknown; method?: string } = {},
): Promise<Answer> {
  const headers = new Headers({ "content-type": "application/json" });
  if (init.user) headers.set("x-user", init.user);
  const body =
    init.body === undefined
      ? undefined
      : typeof init.body === "string"
        ? init.body
        : JSON.stringify(init.body);
  const response = await fetch(url, { method: init.method ?? "POST", headers, body });
  const text = await response.text();
  seenText.push(JSON.stringify([...response.headers]), text);
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : {} };
}

beforeAll(async () => {
  [emulator, api] = await Promise.all([startEmulator(), startTokenApi()]);
});
afterAll(async () => {
  for (const server of servers) server.close();
  await Promise.all([emulator.close(), api.close()]);
});
beforeEach(() => {
  api.reset();
  calls.length = 0;
  seenText = [];
  logged = (["log", "info", "warn", "error", "debug"] as const).map((level) =>
    vi.spyOn(console, level).mockImplementation((...parts: unknown[]) => {
      seenText.push(parts.map((part) => inspect(part, { depth: 8 })).join(" "));
    }),
  );
});
afterEach(() => {
  // The permanent key must appear in nothing the handler answered, logged or reported, in any test.
  for (const key of [emulator.apiKey, api.apiKey]) {
    expect(seenText.filter((text) => text.includes(key))).toEqual([]);
  }
  for (const spy of logged) spy.mockRestore();
});

describe("minting", () => {
  it("answers { apiKey, expiresAt, token }, not cached, minted with the permanent key and the server's policy", async () => {
    const url = await serve({
      allowedModels: ["lucy-pro-t2i", "lucy-pro-i2v"],
      expiresIn: 300,
      allowedOrigins: ["https://app.example.com"],
    });
    // What the docs' page does: a POST with no body.
    const response = await fetch(url, { method: "POST", headers: { "x-user": "alice" } });
    const text = await response.text();
    seenText.push(text);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = JSON.parse(text) as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual(["apiKey", "expiresAt", "token"]);
    expect(body.apiKey).toMatch(/^ek_/);
    expect(Date.parse(body.expiresAt ?? "")).toBeGreaterThan(Date.now() + 290_000);
    expect(calls).toEqual([
      {
        apiKey: emulator.apiKey,
        contentType: "application/json",
        body: {
          expiresIn: 300,
          allowedModels: ["lucy-pro-t2i", "lucy-pro-i2v"],
          allowedOrigins: ["https://app.example.com"],
        },
      },
    ]);
  });

  it("lets the page narrow its models and shorten its life, and caps a longer life at expiresIn", async () => {
    const url = await serve({ allowedModels: ["lucy-pro-t2i", "lucy-pro-i2v"], expiresIn: 300 });
    const narrowed = await ask(url, {
      user: "alice",
      body: { allowedModels: ["lucy-pro-t2i"], expiresIn: 30 },
    });
    expect(narrowed.status).toBe(200);
    const capped = await ask(url, { user: "alice", body: { expiresIn: 3600, allowedModels: null } });
    expect(capped.status).toBe(200);
    expect(calls.map((call) => call.body)).toEqual([
      { expiresIn: 30, allowedModels: ["lucy-pro-t2i"] },
      { expiresIn: 300, allowedModels: ["lucy-pro-t2i", "lucy-pro-i2v"] },
    ]);
  });

  it("mints for 60 s and every model by default, and a page may name models when the server names none", async () => {
    const url = await serve();
    expect((await ask(url, { user: "alice", body: {} })).status).toBe(200);
    expect(
      (await ask(url, { user: "alice", body: { allowedModels: ["lucy-pro-t2v", "lucy-pro-t2v"] } })).status,
    ).toBe(200);
    expect(calls.map((call) => call.body)).toEqual([
      { expiresIn: 60 },
      { expiresIn: 60, allowedModels: ["lucy-pro-t2v"] },
    ]);
  });

  it("never widens: a model outside allowedModels is a 403 naming it, and nothing is minted", async () => {
    const url = await serve({ allowedModels: ["lucy-pro-t2i"] });
    const answer = await ask(url, {
      user: "alice",
      body: { allowedModels: ["lucy-pro-t2i", "lucy-pro-t2v"] },
    });
    expect(answer.status).toBe(403);
    expect(answer.body).toEqual({
      detail: "The model lucy-pro-t2v is not allowed in tokens from this server",
      code: "MODEL_NOT_ALLOWED",
    });
    expect(answer.headers.get("cache-control")).toBe("no-store");
    expect(calls).toEqual([]);
  });

  it("sends metadata, fixed or per caller", async () => {
    const fixed = await serve({ metadata: { app: "gallery" } });
    const perCaller = await serve({ metadata: ({ subject }) => ({ user: subject }) });
    expect((await ask(fixed, { user: "alice" })).status).toBe(200);
    expect((await ask(perCaller, { user: "bob" })).status).toBe(200);
    expect(calls.map((call) => call.body.metadata)).toEqual([{ app: "gallery" }, { user: "bob" }]);
  });

  it("a metadata function that fails or returns no object is this server's 500, and nothing is minted", async () => {
    const failing = await serve({
      metadata: () => {
        throw new Error("no database");
      },
    });
    const notAnObject = await serve({ metadata: () => ["alice"] as never });
    const cases: Array<[string, string]> = [
      [failing, "The token endpoint's metadata function failed"],
      [notAnObject, "The token endpoint's metadata must be an object"],
    ];
    for (const [url, detail] of cases) {
      const answer = await ask(url, { user: "alice" });
      expect([answer.status, answer.body]).toEqual([500, { detail, code: "METADATA_FAILED" }]);
    }
    expect(calls).toEqual([]);
  });
});

describe("bad requests", () => {
  it("refuses every method but POST with 405 and Allow: POST", async () => {
    const url = await serve();
    for (const method of ["GET", "PUT", "DELETE", "OPTIONS"]) {
      const answer = await ask(url, { user: "alice", method });
      expect([method, answer.status, answer.headers.get("allow"), answer.body.code]).toEqual([
        method,
        405,
        "POST",
        "METHOD_NOT_ALLOWED",
      ]);
    }
    expect(calls).toEqual([]);
  });

  it.each([
    ["not JSON", "allowedModels=lucy-pro-t2i", /must be JSON, such as \{"allowedModels"/],
    ["a JSON array", ["lucy-pro-t2i"], /must be a JSON object/],
    [
      "origins from the page",
      { allowedOrigins: ["https://evil.example"] },
      /^allowedOrigins cannot be set by the page/,
    ],
    ["metadata from the page", { metadata: { admin: true } }, /^metadata cannot be set by the page/],
    ["an empty model list", { allowedModels: [] }, /^allowedModels must be a non-empty list of model names$/],
    ["a model name that is not a string", { allowedModels: [42] }, /^allowedModels must be a non-empty list/],
    ["models as a string", { allowedModels: "lucy-pro-t2i" }, /^allowedModels must be a non-empty list/],
    [
      "21 models",
      { allowedModels: Array.from({ length: 21 }, (_, index) => `m${index}`) },
      /at most 20 models/,
    ],
    ["expiresIn 0", { expiresIn: 0 }, /^expiresIn must be a whole number of seconds, 1 or more$/],
    ["a fractional expiresIn", { expiresIn: 1.5 }, /^expiresIn must be a whole number/],
    ["expiresIn as a string", { expiresIn: "60" }, /^expiresIn must be a whole number/],
    ["a body over 16 KiB", { allowedModels: ["x".repeat(20_000)] }, /larger than 16384 bytes/],
  ])("answers 400 with a clear message for %s, minting nothing", async (_name, body, message) => {
    const url = await serve();
    const answer = await ask(url, { user: "alice", body });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe("INVALID_INPUT");
    expect(String(answer.body.detail)).toMatch(message);
    expect(answer.headers.get("cache-control")).toBe("no-store");
    expect(calls).toEqual([]);
  });
});

describe("closed by default", () => {
  it("without authorize refuses everyone with 401, mints nothing, and warns on the server's log once", async () => {
    const url = await serve({ authorize: undefined });
    const first = await ask(url, { user: "alice" });
    const second = await ask(url, { user: "bob" });
    for (const answer of [first, second]) {
      expect(answer.status).toBe(401);
      expect(answer.body.code).toBe("TOKENS_NOT_CONFIGURED");
      expect(String(answer.body.detail)).toMatch(/authorize.*allowAnonymous/);
    }
    const warnings = logged[2]?.mock.calls ?? [];
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]?.[0])).toMatch(/createTokenHandler was given no authorize/);
    expect(calls).toEqual([]);
  });

  it("refuses a caller authorize lets in with no subject (401) unless allowAnonymous", async () => {
    const closed = await serve({ authorize: () => true });
    const answer = await ask(closed, {});
    expect([answer.status, answer.body.code]).toEqual([401, "UNAUTHENTICATED"]);
    await ask(closed, {});
    expect(logged[2]?.mock.calls).toHaveLength(1);
    expect(String(logged[2]?.mock.calls[0]?.[0])).toMatch(/allowAnonymous/);
    expect(calls).toEqual([]);

    const open = await serve({ authorize: () => true, allowAnonymous: true });
    expect((await ask(open, {})).status).toBe(200);
    const local = await serve({ authorize: undefined, allowAnonymous: true });
    expect((await ask(local, {})).status).toBe(200);
    expect(calls).toHaveLength(2);
  });

  it("answers authorize's false with 403, its own Response as it is, and a throwing check with 500", async () => {
    const refused = await ask(await serve(), {});
    expect([refused.status, refused.body.code]).toEqual([403, "FORBIDDEN"]);
    const redirect = await serve({
      authorize: () => new Response(JSON.stringify({ signIn: "/login" }), { status: 401 }),
    });
    expect(await ask(redirect, {})).toMatchObject({ status: 401, body: { signIn: "/login" } });
    const broken = await serve({
      authorize: () => {
        throw new Error(`database down (${emulator.apiKey})`);
      },
    });
    const failed = await ask(broken, {});
    expect([failed.status, failed.body.code]).toEqual([500, "AUTHORIZE_FAILED"]);
    expect(calls).toEqual([]);
  });
});

describe("rate limiting", () => {
  it("answers 429 with Retry-After past the limit, per subject, minting nothing more", async () => {
    const url = await serve({ rateLimit: { points: 2, duration: 60 } });
    expect((await ask(url, { user: "alice" })).status).toBe(200);
    expect((await ask(url, { user: "alice" })).status).toBe(200);
    const limited = await ask(url, { user: "alice" });
    expect([limited.status, limited.body.code]).toEqual([429, "RATE_LIMITED"]);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    expect((await ask(url, { user: "bob" })).status).toBe(200);
    expect(calls).toHaveLength(3);
  });

  it("counts anonymous callers per address, and rateLimit: false turns the limit off", async () => {
    const anonymous = await serve({ authorize: undefined, allowAnonymous: true, rateLimit: { points: 1 } });
    expect((await ask(anonymous, {})).status).toBe(200);
    expect((await ask(anonymous, {})).status).toBe(429);
    const unlimited = await serve({ rateLimit: false });
    for (let index = 0; index < 40; index++)
      expect((await ask(unlimited, { user: "alice" })).status).toBe(200);
  });
});

describe("when the API fails", () => {
  it("passes a 429 on with its Retry-After", async () => {
    const url = await serveFaulty();
    api.fail({ status: 429, headers: { "retry-after": "7" }, body: { detail: "Too many tokens" } });
    const answer = await ask(url, { user: "alice" });
    expect([answer.status, answer.headers.get("retry-after"), answer.body.code]).toEqual([
      429,
      "7",
      "RATE_LIMITED",
    ]);
  });

  it.each([
    ["a 500", { status: 500, body: { detail: "boom" } }, /did not mint a token \(HTTP 500\)/],
    [
      "a refused key",
      { status: 401, body: { detail: "Invalid API key" } },
      /did not mint a token \(HTTP 401\)/,
    ],
    ["an unreadable answer", { status: 200, body: "<html>gateway</html>" }, /could not be read/],
    [
      "an answer without apiKey",
      { status: 200, body: { expiresAt: "2030-01-01T00:00:00Z" } },
      /could not be read/,
    ],
    ["a reset connection", { reset: true }, /Could not reach the Decart API/],
  ])("answers %s with a 502 of its own, never the API's body", async (_name, reply, message) => {
    const url = await serveFaulty();
    api.fail(reply);
    const answer = await ask(url, { user: "alice" });
    expect([answer.status, answer.body.code]).toEqual([502, "BAD_GATEWAY"]);
    expect(String(answer.body.detail)).toMatch(message);
    expect(JSON.stringify(answer.body)).not.toMatch(/boom|Invalid API key|gateway</);
  });

  it("answers a wrong permanent key with 502, naming neither key", async () => {
    const url = await serve({ apiKey: "dk_wrong_key_of_this_server" });
    // The emulator refuses it with 401.
    const answer = await ask(url, { user: "alice" });
    expect(answer.status).toBe(502);
    expect(JSON.stringify(answer)).not.toContain("dk_wrong_key_of_this_server");
  });
});

describe("audit hooks", () => {
  it("reports each token minted and each refusal, without the key or the token", async () => {
    const minted: TokenMintEvent[] = [];
    const refused: TokenRefusalEvent[] = [];
    const url = await serve({
      allowedModels: ["lucy-pro-t2i"],
      onMint: (event) => {
        minted.push(event);
        throw new Error("a failing hook is ignored");
      },
      onRefuse: (event) => void refused.push(event),
    });
    const token = await ask(url, { user: "alice", body: { expiresIn: 20 } });
    await ask(url, { user: "alice", body: { allowedModels: ["lucy-pro-t2v"] } });
    await ask(url, {});
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(minted).toEqual([
      {
        subject: "alice",
        allowedModels: ["lucy-pro-t2i"],
        expiresIn: 20,
        expiresAt: token.body.expiresAt,
        ms: expect.any(Number),
      },
    ]);
    expect(refused).toEqual([
      { subject: "alice", status: 403, code: "MODEL_NOT_ALLOWED", ms: expect.any(Number) },
      { subject: undefined, status: 403, code: "FORBIDDEN", ms: expect.any(Number) },
    ]);
    seenText.push(JSON.stringify([minted, refused]));
    expect(JSON.stringify(minted)).not.toContain(String(token.body.apiKey));
  });
});

describe("options", () => {
  it("are checked when the handler is created", () => {
    const saved = process.env.DECART_API_KEY;
    delete process.env.DECART_API_KEY;
    const create = (options: TokenHandlerOptions) => () => createTokenHandler({ apiKey: "key", ...options });
    try {
      expect(() => createTokenHandler()).toThrow(InvalidAPIKeyError);
      expect(create({ apiKey: " " })).toThrow(/token handler needs an API key/);
      expect(create({ baseUrl: "ftp://x" })).toThrow(InvalidBaseURLError);
      for (const expiresIn of [0, 3601, 1.5, Number.NaN]) {
        expect(create({ expiresIn })).toThrow(ProxyConfigurationError);
      }
      expect(create({ expiresIn: 3600 })).not.toThrow();
      expect(create({ allowedModels: [] })).toThrow(/allowedModels must list 1 to 20 entries/);
      expect(create({ allowedModels: Array.from({ length: 21 }, (_, index) => `m${index}`) })).toThrow(
        /1 to 20/,
      );
      expect(create({ allowedOrigins: ["https://app.example.com/"] })).toThrow(
        /"https:\/\/app.example.com\/", not an origin/,
      );
      expect(create({ allowedOrigins: ["app.example.com"] })).toThrow(ProxyConfigurationError);
      expect(create({ allowedOrigins: ["http://localhost:5173", "https://app.example.com"] })).not.toThrow();
    } finally {
      if (saved !== undefined) process.env.DECART_API_KEY = saved;
    }
  });
});
