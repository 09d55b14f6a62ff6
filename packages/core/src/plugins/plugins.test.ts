import { describe, expect, test } from "vitest";
import { createDecartClient } from "../client/index";
import { ProcessingError } from "../errors/index";
import { MP4, PNG, testImageModel, testVideoModel, useTestServer } from "../test-support/index";
import { type LogEntry, loggerPlugin } from "./logger";
import type { DecartPlugin } from "./plugins";

const server = useTestServer();

const secret = "sk-very-secret-key-123";
const fast = { polling: { initialDelay: 0, interval: 5, maxInterval: 5 }, retry: { baseDelay: 1 } };

describe("plugins", () => {
  test("hooks run in order and can change requests, see responses, retries, status changes and errors", async () => {
    const seen: string[] = [];
    const tracer = (name: string): DecartPlugin => ({
      name,
      beforeRequest({ request }) {
        seen.push(`${name}:before`);
        request.headers.append("x-trace", name);
      },
      afterResponse({ response, durationMs }) {
        seen.push(`${name}:after:${response.status}`);
        expect(durationMs).toBeGreaterThanOrEqual(0);
      },
      beforeRetry({ retryCount }) {
        seen.push(`${name}:retry:${retryCount}`);
      },
      onStatusChange({ status, jobId }) {
        seen.push(`${name}:status:${status}:${jobId}`);
      },
    });
    server.route("POST /v1/jobs/test-i2v", { status: 503 }, { body: { job_id: "p1", status: "pending" } });
    server.route("GET /v1/jobs/p1", { body: { job_id: "p1", status: "completed" } });
    server.route("GET /v1/jobs/p1/content", { body: MP4, type: "video/mp4" });
    const client = createDecartClient({
      apiKey: "k",
      baseUrl: server.url,
      ...fast,
      plugins: [tracer("a"), tracer("b")],
    });
    await client.process({ model: testVideoModel, prompt: "x" });
    expect(server.requests[0]?.headers["x-trace"]).toBe("a, b");
    expect(seen.slice(0, 8)).toEqual([
      "a:before",
      "b:before",
      "a:after:503",
      "b:after:503",
      "a:retry:1",
      "b:retry:1",
      "a:after:200",
      "b:after:200",
    ]);
    expect(seen).toContain("a:status:pending:p1");
    expect(seen).toContain("b:status:completed:p1");
  });

  test("beforeRequest can answer without the network; onError can replace the error", async () => {
    const client = createDecartClient({
      apiKey: "k",
      baseUrl: server.url,
      plugins: [{ beforeRequest: () => new Response(PNG, { headers: { "content-type": "image/png" } }) }],
    });
    expect((await client.process({ model: testImageModel, prompt: "x" })).type).toBe("image/png");
    expect(server.requests).toHaveLength(0);

    class Wrapped extends Error {}
    server.route("POST /v1/generate/test-t2i", { status: 500 });
    const replacing = createDecartClient({
      apiKey: "k",
      baseUrl: server.url,
      plugins: [{ onError: ({ error }) => new Wrapped(error.message, { cause: error }) }],
    });
    const error = await replacing.process({ model: testImageModel, prompt: "x" }).catch((caught) => caught);
    expect(error).toBeInstanceOf(Wrapped);
    expect(error.cause).toBeInstanceOf(ProcessingError);
  });

  test("a beforeRequest hook that throws fails the call once, without retries", async () => {
    let calls = 0;
    const bug = new Error("plugin bug");
    const client = createDecartClient({
      apiKey: "k",
      baseUrl: server.url,
      ...fast,
      plugins: [
        {
          beforeRequest() {
            calls++;
            throw bug;
          },
        },
      ],
    });
    const error = await client.queue.status("job-x").catch((caught) => caught);
    expect(error.cause).toBe(bug);
    expect(calls).toBe(1);
    expect(server.requests).toHaveLength(0);
  });

  test("a beforeRetry hook that throws fails the call as a plugin failure, without more tries", async () => {
    server.route(
      "GET /v1/jobs/job-r",
      { status: 503, headers: { "retry-after": "0" } },
      { body: { job_id: "job-r", status: "pending" } },
    );
    const bug = new TypeError("logging plugin bug");
    const client = createDecartClient({
      apiKey: "k",
      baseUrl: server.url,
      ...fast,
      plugins: [
        {
          beforeRetry() {
            throw bug;
          },
        },
      ],
    });
    const error = await client.queue.status("job-r").catch((caught) => caught);
    expect(error.cause).toBe(bug);
    expect(error.message).not.toMatch(/could not be read/);
    expect(server.requestsTo("GET /v1/jobs/job-r")).toHaveLength(1);
  });

  test("afterResponse's durationMs is the time to the headers, not the body download", async () => {
    // Headers at once, then 40 chunks 10 ms apart: some 400 ms of body.
    server.route("GET /v1/jobs/job-d/content", {
      body: new Uint8Array(4000),
      type: "video/mp4",
      drip: { body: 10, bytes: 100 },
    });
    const durations: number[] = [];
    const client = createDecartClient({
      apiKey: "k",
      baseUrl: server.url,
      ...fast,
      plugins: [{ afterResponse: ({ durationMs }) => void durations.push(durationMs) }],
    });
    const started = performance.now();
    await client.queue.result("job-d");
    expect(performance.now() - started).toBeGreaterThan(300);
    expect(durations).toHaveLength(1);
    expect(durations[0]).toBeLessThan(200);
  });

  test("a throwing onStatusChange does not break the call", async () => {
    server.route("POST /v1/generate/test-t2i", { body: PNG, type: "image/png" });
    const client = createDecartClient({
      apiKey: "k",
      baseUrl: server.url,
      plugins: [
        {
          onStatusChange() {
            throw new Error("listener bug");
          },
        },
      ],
    });
    await expect(client.process({ model: testImageModel, prompt: "x" })).resolves.toBeInstanceOf(Blob);
  });
});

describe("loggerPlugin", () => {
  test("logs method, path, status, duration, request id and retries, and never the key", async () => {
    const entries: LogEntry[] = [];
    server.route(
      "POST /v1/generate/test-t2i",
      { status: 503, headers: { "retry-after": "0" } },
      { body: PNG, type: "image/png" },
    );
    server.route("POST /v1/jobs/test-i2v", {
      status: 401,
      body: { error: { code: "UNAUTHORIZED", message: `bad key` } },
    });
    const client = createDecartClient({
      apiKey: secret,
      baseUrl: server.url,
      ...fast,
      plugins: [loggerPlugin({ level: "debug", log: (entry) => entries.push(entry) })],
    });
    await client.process({ model: testImageModel, prompt: "x" });
    await client.process({ model: testVideoModel, prompt: "x" }).catch(() => undefined);
    const messages = entries.map((entry) => entry.message);
    expect(messages[0]).toMatch(/^test-t2i processing$/);
    expect(messages[1]).toMatch(/^POST \/v1\/generate\/test-t2i 503 \d+ms req_\d+$/);
    expect(messages[2]).toMatch(/^POST \/v1\/generate\/test-t2i retry 1 after: /);
    expect(messages[3]).toMatch(/^POST \/v1\/generate\/test-t2i 200 \d+ms req_\d+ retry 1$/);
    expect(entries[3]).toMatchObject({
      method: "POST",
      path: "/v1/generate/test-t2i",
      status: 200,
      retryCount: 1,
    });
    expect(messages.at(-1)).toMatch(/^process failed: InvalidAPIKeyError: /);
    expect(JSON.stringify(entries)).not.toContain(secret);
  });

  test("the default sink writes to the console without the key; level filters", async () => {
    const lines: string[] = [];
    const original = { info: console.info, warn: console.warn, error: console.error, debug: console.debug };
    for (const level of ["info", "warn", "error", "debug"] as const) {
      console[level] = (...args: unknown[]) => lines.push(`${level}:${args.join(" ")}`);
    }
    try {
      server.route("POST /v1/generate/test-t2i", { body: PNG, type: "image/png" });
      const client = createDecartClient({
        apiKey: secret,
        baseUrl: server.url,
        plugins: [loggerPlugin({ level: "info" })],
      });
      await client.process({ model: testImageModel, prompt: "x" });
    } finally {
      Object.assign(console, original);
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^info:\[decart\] POST \/v1\/generate\/test-t2i 200 /);
    expect(lines.join("\n")).not.toContain(secret);
  });
});
