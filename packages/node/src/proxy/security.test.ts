import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { createDecartClient } from "@decart/core";
import { type Emulator, startEmulator } from "@decart/emulator";
import { models } from "@decart/models";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { ProxyForwardEvent, ProxyRefusalEvent } from "./audit";
import type { ProxyAuthorize } from "./authorize";
import { createProxyHandler, type ProxyHandler, type ProxyOptions } from "./handler";
import { toNodeHandler } from "./node";

const secret = "security-test-secret-0123456789abcdef";
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

let emulator: Emulator;
/** Every request the proxies sent to the API, as `METHOD /path`. */
let upstreamCalls: string[] = [];
/** Every text the proxies answered or logged, searched for the key. */
let seenText: string[] = [];
const servers: Server[] = [];

const countingFetch: typeof fetch = (input, init) => {
  const url = input instanceof Request ? input.url : String(input);
  upstreamCalls.push(`${init?.method ?? "GET"} ${new URL(url).pathname}`);
  return fetch(input, init);
};

/** Signed-in users say who they are in `x-user` (a stand-in for a session cookie); nobody else gets in. */
const bySubjectHeader: ProxyAuthorize = (request) => {
  const user = request.headers.get("x-user");
  return user ? { subject: user } : false;
};

function proxyHandler(options: ProxyOptions = {}): ProxyHandler {
  return createProxyHandler({
    apiKey: emulator.apiKey,
    baseUrl: emulator.url,
    mountPath: "/api/decart",
    secret,
    fetch: countingFetch,
    authorize: bySubjectHeader,
    ...options,
  });
}

async function serve(handler: ProxyHandler): Promise<string> {
  const listener = toNodeHandler(handler);
  const server = createServer((request, response) => void listener(request, response));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/decart`;
}

/** A browser's request to the proxy: records the answer's headers and body for the key search. */
async function call(url: string, init: RequestInit & { user?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.user) headers.set("x-user", init.user);
  const response = await fetch(url, { ...init, headers });
  const bytes = new Uint8Array(await response.arrayBuffer());
  seenText.push(JSON.stringify([...response.headers]), new TextDecoder().decode(bytes));
  return new Response(bytes, { status: response.status, headers: response.headers });
}

/** Awaits a rejection, keeping everything the error says for the key search. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (reason: unknown) => reason as Error,
  );
  seenText.push(
    String(error),
    error.stack ?? "",
    JSON.stringify(error),
    String(error.cause ?? ""),
    // What console.log(error) prints: the error and everything its cause holds.
    inspect(error, { depth: 8, showHidden: true }),
  );
  return error;
}

function form(fields: Record<string, string>): FormData {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.set(name, value);
  return body;
}

async function submitVideo(proxyUrl: string, user: string): Promise<string> {
  const response = await call(`${proxyUrl}/v1/jobs/lucy-pro-t2v`, {
    method: "POST",
    user,
    body: form({ prompt: "A lighthouse in fog", resolution: "480p", seed: "5" }),
  });
  const body = (await response.json()) as { job_id: string };
  expect([response.status, body]).toMatchObject([200, { job_id: expect.any(String) }]);
  return body.job_id;
}

async function waitForEnd(proxyUrl: string, user: string, jobId: string): Promise<string> {
  for (;;) {
    const response = await call(`${proxyUrl}/v1/jobs/${jobId}`, { user });
    const { status } = (await response.json()) as { status: string };
    if (status !== "pending" && status !== "processing") return status;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  for (const server of servers) server.close();
  await emulator.close();
});
let logged: ReturnType<typeof vi.spyOn>[] = [];
beforeEach(() => {
  upstreamCalls = [];
  seenText = [];
  logged = (["log", "info", "warn", "error", "debug"] as const).map((level) =>
    vi.spyOn(console, level).mockImplementation((...parts: unknown[]) => {
      seenText.push(parts.map(String).join(" "));
    }),
  );
});
afterEach(() => {
  // The key must appear in nothing the proxy answered or logged, in any test.
  expect(seenText.filter((text) => text.includes(emulator.apiKey))).toEqual([]);
  for (const spy of logged) spy.mockRestore();
});

describe("a proxy without authorize", () => {
  it("refuses every route with 403, forwards nothing, and warns on the server's log once", async () => {
    const proxyUrl = await serve(
      createProxyHandler({
        apiKey: emulator.apiKey,
        baseUrl: emulator.url,
        mountPath: "/api/decart",
        fetch: countingFetch,
      }),
    );
    const routes: [string, string][] = [
      ["POST", "/v1/generate/lucy-pro-t2i"],
      ["POST", "/v1/jobs/lucy-pro-t2v"],
      ["GET", "/v1/jobs/job_1"],
      ["GET", "/v1/jobs/job_1/content"],
      ["POST", "/v1/jobs/job_1/cancel"],
    ];
    for (const [method, path] of routes) {
      const response = await call(`${proxyUrl}${path}`, {
        method,
        user: "alice",
        ...(method === "POST" ? { body: form({ prompt: "x" }) } : {}),
      });
      expect([path, response.status]).toEqual([path, 403]);
      const body = (await response.json()) as { detail: string; code: string };
      expect(body.detail).toMatch(/authorize.*allowAnonymous: true/);
      expect(body.code).toBe("PROXY_NOT_CONFIGURED");
    }
    const client = createDecartClient({ proxy: proxyUrl });
    const refused = await rejection(
      client.process({ model: models.image("lucy-pro-t2i"), prompt: "A lighthouse", resolution: "480p" }),
    );
    expect(refused.message).toMatch(/authorize/);
    expect(upstreamCalls).toEqual([]);
    const warnings = logged[2]?.mock.calls ?? [];
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]?.[0])).toMatch(/authorize.*allowAnonymous/);
  });

  it("forwards nothing when authorize refuses, throws or names no subject", async () => {
    const verdicts: ProxyAuthorize[] = [
      () => false,
      () => {
        throw new Error("session store down");
      },
      () => ({ subject: "" }),
      () => new Response("sign in first", { status: 401 }),
    ];
    for (const authorize of verdicts) {
      const proxyUrl = await serve(proxyHandler({ authorize }));
      const response = await call(`${proxyUrl}/v1/generate/lucy-pro-t2i`, {
        method: "POST",
        body: form({ prompt: "x" }),
      });
      expect(response.status).toBeGreaterThanOrEqual(400);
    }
    expect(upstreamCalls).toEqual([]);
  });
});

describe("the key", () => {
  it("is not echoed when the API refuses it, nor when the API cannot be reached", async () => {
    const wrongKey = "wrong-key-that-must-not-leak-0123";
    for (const baseUrl of [emulator.url, "http://127.0.0.1:9"]) {
      const proxyUrl = await serve(proxyHandler({ apiKey: wrongKey, baseUrl }));
      const response = await call(`${proxyUrl}/v1/generate/lucy-pro-t2i`, {
        method: "POST",
        user: "alice",
        body: form({ prompt: "x", resolution: "480p" }),
      });
      expect(response.status).toBe(baseUrl === emulator.url ? 401 : 502);
      const client = createDecartClient({
        proxy: proxyUrl,
        retry: { limit: 0 },
        fetch: (input, init) => {
          const request = new Request(input, init);
          request.headers.set("x-user", "alice");
          return fetch(request);
        },
      });
      await rejection(
        client.process({ model: models.image("lucy-pro-t2i"), prompt: "x", resolution: "480p" }),
      );
    }
    expect(seenText.filter((text) => text.includes(wrongKey))).toEqual([]);
  });
});

describe("models", () => {
  it("never forwards a model outside the list, and names it in the 403", async () => {
    const proxyUrl = await serve(proxyHandler({ models: ["lucy-pro-t2i"] }));
    for (const [route, model] of [
      ["generate", "lucy-pro-i2i"],
      ["jobs", "lucy-pro-t2v"],
      ["jobs", "lucy-pro-t2i-not-really"],
    ]) {
      const response = await call(`${proxyUrl}/v1/${route}/${model}`, {
        method: "POST",
        user: "alice",
        body: form({ prompt: "A fox" }),
      });
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({
        detail: `The model ${model} is not allowed through this proxy`,
        code: "MODEL_NOT_ALLOWED",
      });
    }
    expect(upstreamCalls).toEqual([]);

    const client = createDecartClient({
      proxy: proxyUrl,
      fetch: (input, init) =>
        call(String(input instanceof Request ? input.url : input), { ...init, user: "alice" }),
    });
    const refused = await rejection(
      client.process({ model: models.video("lucy-pro-t2v"), prompt: "A fox", resolution: "480p" }),
    );
    expect(refused.message).toMatch(/lucy-pro-t2v is not allowed/);
    const image = await client.process({
      model: models.image("lucy-pro-t2i"),
      prompt: "A fox",
      resolution: "480p",
    });
    expect(image.type).toBe("image/png");
    expect(upstreamCalls).toEqual(["POST /v1/generate/lucy-pro-t2i"]);
  });

  it("asks a predicate with the parsed inputs before anything is sent", async () => {
    const asked: [string, unknown][] = [];
    const proxyUrl = await serve(
      proxyHandler({
        models: (model, inputs) => {
          asked.push([model, inputs.resolution]);
          return model === "lucy-pro-t2i" && inputs.resolution === "480p";
        },
      }),
    );
    const generate = (resolution: string) =>
      call(`${proxyUrl}/v1/generate/lucy-pro-t2i`, {
        method: "POST",
        user: "alice",
        body: form({ prompt: "A fox", resolution, seed: "3" }),
      });
    expect((await generate("720p")).status).toBe(403);
    expect(upstreamCalls).toEqual([]);
    const allowed = await generate("480p");
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get("content-type")).toBe("image/png");
    expect(asked).toEqual([
      ["lucy-pro-t2i", "720p"],
      ["lucy-pro-t2i", "480p"],
    ]);
    expect(upstreamCalls).toEqual(["POST /v1/generate/lucy-pro-t2i"]);
  });
});

describe("jobs belong to their subject", () => {
  it("answers 404 to every route of another subject's job, on another instance too; the owner reaches it on both", async () => {
    const events: ProxyForwardEvent[] = [];
    const first = await serve(proxyHandler({ onForward: (event) => void events.push(event) }));
    const second = await serve(proxyHandler());
    const jobId = await submitVideo(first, "alice");
    expect(await waitForEnd(second, "alice", jobId)).toBe("completed");

    const forged = `${jobId.slice(0, -2)}${jobId.endsWith("AA") ? "BB" : "AA"}`;
    const callsBefore = upstreamCalls.length;
    for (const proxyUrl of [first, second]) {
      for (const [user, id] of [
        ["bob", jobId],
        ["alice", forged],
        ["alice", jobId.split(".")[0] ?? ""],
      ] as const) {
        for (const [method, suffix] of [
          ["GET", ""],
          ["GET", "/content"],
          ["POST", "/cancel"],
        ] as const) {
          const response = await call(`${proxyUrl}/v1/jobs/${id}${suffix}`, { method, user });
          expect([user, suffix, response.status]).toEqual([user, suffix, 404]);
          expect(((await response.json()) as { code: string }).code).toBe("JOB_NOT_FOUND");
        }
      }
    }
    // An instance under another secret does not know the id either.
    const otherSecret = await serve(proxyHandler({ secret: "another-secret-0123456789abcdefghij" }));
    expect((await call(`${otherSecret}/v1/jobs/${jobId}`, { user: "alice" })).status).toBe(404);
    // Nobody's guess reached the API.
    expect(upstreamCalls.length).toBe(callsBefore);

    const real = await fetch(`${emulator.url}/v1/jobs/${atob(jobId.split(".")[0] ?? "")}/content`, {
      headers: { "x-api-key": emulator.apiKey },
    });
    const direct = sha256(new Uint8Array(await real.arrayBuffer()));
    for (const proxyUrl of [first, second]) {
      const content = await call(`${proxyUrl}/v1/jobs/${jobId}/content`, { user: "alice" });
      expect(content.status).toBe(200);
      expect(content.headers.get("content-type")).toBe("video/mp4");
      expect(sha256(new Uint8Array(await content.arrayBuffer()))).toBe(direct);
    }
    await vi.waitFor(() => expect(events.some((event) => event.route === "content")).toBe(true));
    const content = events.find((event) => event.route === "content");
    expect(content).toMatchObject({ subject: "alice", status: 200, model: undefined });
    expect(content?.bytes).toBeGreaterThan(1000);
    expect(events[0]).toMatchObject({
      subject: "alice",
      route: "submit",
      model: "lucy-pro-t2v",
      status: 200,
    });
    for (const event of events)
      expect(Object.keys(event).sort()).toEqual(["bytes", "model", "ms", "route", "status", "subject"]);
  }, 60_000);

  it("runs a whole generation through the SDK with scoped ids, browser code unchanged", async () => {
    const proxyUrl = await serve(proxyHandler());
    const client = createDecartClient({
      proxy: proxyUrl,
      fetch: (input, init) => {
        const request = new Request(input, init);
        request.headers.set("x-user", "carol");
        return fetch(request);
      },
    });
    const { job_id } = await client.queue.submit({
      model: models.video("lucy-pro-t2v"),
      prompt: "Waves on rocks",
      resolution: "480p",
    });
    const cancelled = await client.queue.cancel(job_id);
    expect(cancelled?.job_id ?? job_id).toBe(job_id);
    const status = await client.queue.status(job_id);
    expect(status.job_id).toBe(job_id);
    expect(["cancelled", "failed", "completed"]).toContain(status.status);
  }, 60_000);
});

describe("limits in memory", () => {
  it("answers 429 with Retry-After past the request limit, per subject, and per address when anonymous", async () => {
    const proxyUrl = await serve(
      proxyHandler({
        limits: { requests: { points: 2, duration: 600 }, concurrentJobs: false },
        authorize: (request) => {
          const user = request.headers.get("x-user");
          return user ? { subject: user } : true;
        },
        clientAddress: (request) => request.headers.get("x-test-address") ?? undefined,
      }),
    );
    const ask = (user?: string, address?: string) =>
      call(`${proxyUrl}/v1/jobs/nothing`, {
        ...(user ? { user } : {}),
        headers: address ? { "x-test-address": address } : {},
      });
    expect((await ask("alice")).status).toBe(404);
    expect((await ask("alice")).status).toBe(404);
    const limited = await ask("alice");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await limited.json()) as { code: string }).code).toBe("RATE_LIMITED");
    expect((await ask("bob")).status).toBe(404);
    expect((await ask(undefined, "192.0.2.1")).status).toBe(404);
    expect((await ask(undefined, "192.0.2.1")).status).toBe(404);
    expect((await ask(undefined, "192.0.2.1")).status).toBe(429);
    expect((await ask(undefined, "192.0.2.2")).status).toBe(404);
  });

  it("holds a slot per running job and gives it back when the job ends", async () => {
    const proxyUrl = await serve(proxyHandler({ limits: { concurrentJobs: 1 } }));
    const jobId = await submitVideo(proxyUrl, "dave");
    const second = await call(`${proxyUrl}/v1/jobs/lucy-pro-t2v`, {
      method: "POST",
      user: "dave",
      body: form({ prompt: "Another", resolution: "480p" }),
    });
    expect(second.status).toBe(429);
    expect(second.headers.get("retry-after")).toBe("5");
    expect(upstreamCalls.filter((line) => line === "POST /v1/jobs/lucy-pro-t2v")).toHaveLength(1);
    // Someone else's slots are their own.
    const other = await submitVideo(proxyUrl, "erin");
    await call(`${proxyUrl}/v1/jobs/${other}/cancel`, { method: "POST", user: "erin" });
    expect(await waitForEnd(proxyUrl, "dave", jobId)).toBe("completed");
    const third = await submitVideo(proxyUrl, "dave");
    await call(`${proxyUrl}/v1/jobs/${third}/cancel`, { method: "POST", user: "dave" });
  }, 60_000);
});

describe("the audit hooks", () => {
  it("report each refusal to onRefuse and each forwarded answer to onForward, never both", async () => {
    const refused: ProxyRefusalEvent[] = [];
    const forwarded: ProxyForwardEvent[] = [];
    const proxyUrl = await serve(
      proxyHandler({
        models: ["lucy-pro-t2i"],
        limits: { requests: { points: 5, duration: 600 }, concurrentJobs: false },
        onRefuse: (event) => {
          refused.push(event);
          throw new Error("a broken audit log");
        },
        onForward: (event) => void forwarded.push(event),
      }),
    );
    const generated = await call(`${proxyUrl}/v1/generate/lucy-pro-t2i`, {
      method: "POST",
      user: "alice",
      body: form({ prompt: "A red kite", resolution: "480p" }),
    });
    expect(generated.status).toBe(200);
    const answers = [
      await call(`${proxyUrl}/v1/generate/lucy-pro-t2i`, { method: "POST", body: form({ prompt: "x" }) }),
      await call(`${proxyUrl}/v1/jobs/lucy-pro-t2v`, { method: "POST", user: "alice", body: form({}) }),
      await call(`${proxyUrl}/v1/jobs/not-a-job`, { user: "alice" }),
      await call(`${proxyUrl}/v1/models`, { user: "alice" }),
      await call(`${proxyUrl}/v1/jobs/not-a-job`, { method: "DELETE", user: "alice" }),
    ];
    // Five requests for alice, the generation included; the route refusals (404, 405) are not counted.
    for (let index = 0; index < 3; index += 1)
      answers.push(await call(`${proxyUrl}/v1/jobs/x`, { user: "alice" }));
    expect(answers.map((response) => response.status)).toEqual([403, 403, 404, 404, 405, 404, 404, 429]);

    await expect.poll(() => refused.length, { timeout: 10_000 }).toBe(answers.length);
    expect(refused.map(({ ms, ...event }) => event)).toEqual([
      { subject: undefined, model: "lucy-pro-t2i", route: "generate", status: 403, code: "FORBIDDEN" },
      { subject: "alice", model: "lucy-pro-t2v", route: "submit", status: 403, code: "MODEL_NOT_ALLOWED" },
      { subject: "alice", model: undefined, route: "status", status: 404, code: "JOB_NOT_FOUND" },
      { subject: undefined, model: undefined, route: undefined, status: 404, code: "NOT_FOUND" },
      { subject: undefined, model: undefined, route: undefined, status: 405, code: "METHOD_NOT_ALLOWED" },
      { subject: "alice", model: undefined, route: "status", status: 404, code: "JOB_NOT_FOUND" },
      { subject: "alice", model: undefined, route: "status", status: 404, code: "JOB_NOT_FOUND" },
      { subject: "alice", model: undefined, route: "status", status: 429, code: "RATE_LIMITED" },
    ]);
    expect(refused.every(({ ms }) => ms >= 0)).toBe(true);
    expect(forwarded).toMatchObject([
      { subject: "alice", model: "lucy-pro-t2i", route: "generate", status: 200 },
    ]);
    // Only the generation reached the API.
    expect(upstreamCalls).toEqual(["POST /v1/generate/lucy-pro-t2i"]);
  });

  it("report an API it cannot reach to onForward (its 502), not to onRefuse", async () => {
    const refused: ProxyRefusalEvent[] = [];
    const forwarded: ProxyForwardEvent[] = [];
    const unreachable = await serve(
      proxyHandler({
        baseUrl: "http://127.0.0.1:9",
        onRefuse: (event) => void refused.push(event),
        onForward: (event) => void forwarded.push(event),
      }),
    );
    const answer = await call(`${unreachable}/v1/generate/lucy-pro-t2i`, {
      method: "POST",
      user: "alice",
      body: form({ prompt: "A red kite" }),
    });
    expect(answer.status).toBe(502);
    await expect.poll(() => forwarded.length, { timeout: 10_000 }).toBe(1);
    expect(forwarded[0]).toMatchObject({ subject: "alice", route: "generate", status: 502 });
    expect(refused).toEqual([]);
  });
});
