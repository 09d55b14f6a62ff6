import { mkdtempSync, openAsBlob, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ReceivedFile } from "@decart/test-server";
import { readRawParts } from "@decart/test-server/multipart";
import { describe, expect, test, vi } from "vitest";
import { JPEG, MP4, PNG, testImageModel, testVideoModel } from "../test/models";
import { useTestServer } from "../test/server";
import { createDecartClient, type DecartClientOptions } from "./client";
import {
  DecartSDKError,
  InvalidAPIKeyError,
  InvalidInputError,
  ModelNotFoundError,
  ProcessingError,
  RateLimitError,
  TimeoutError,
} from "./errors";
import type { ProgressEvent } from "./job";

const server = useTestServer();

const fast = {
  polling: { initialDelay: 0, interval: 5, maxInterval: 10 },
  retry: { limit: 2, baseDelay: 1, maxDelay: 5 },
};
const clientFor = (options: DecartClientOptions = {}) =>
  createDecartClient({ apiKey: "test-key", baseUrl: server.url, ...fast, ...options });

function fileField(
  request: { form: Map<string, string | ReceivedFile> | undefined },
  name: string,
): ReceivedFile {
  const value = request.form?.get(name);
  if (!value || typeof value === "string") throw new Error(`${name} is not a file part`);
  return value;
}

function routeJob(jobId: string, ...statuses: object[]) {
  server.route("POST /v1/jobs/test-i2v", { body: { job_id: jobId, status: "pending" } });
  server.route(`GET /v1/jobs/${jobId}`, ...statuses.map((body) => ({ body: { job_id: jobId, ...body } })));
  server.route(`GET /v1/jobs/${jobId}/content`, { body: MP4, type: "video/mp4" });
}

describe("image models (sync endpoint)", () => {
  test("sends the wire protocol: headers and multipart fields", async () => {
    server.route("POST /v1/generate/test-t2i", { body: PNG, type: "image/png" });
    const client = clientFor({ integration: "acme/1.2" });
    const blob = await client.process({
      model: testImageModel,
      prompt: "A lighthouse",
      seed: 42,
      enhance_prompt: true,
      resolution: "720p",
    });

    expect(blob.type).toBe("image/png");
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(PNG);
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.method).toBe("POST");
    expect(request?.path).toBe("/v1/generate/test-t2i");
    expect(request?.headers["x-api-key"]).toBe("test-key");
    expect(request?.headers["user-agent"]).toMatch(/^decart-ts-sdk\/\S+ lang\/js acme\/1\.2 runtime\/node$/);
    expect(request?.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
    expect(request?.headers["idempotency-key"]).toBeUndefined();
    expect(Object.fromEntries(request?.form ?? [])).toEqual({
      prompt: "A lighthouse",
      seed: "42",
      enhance_prompt: "true",
      resolution: "720p",
    });
  });

  test("reports processing then completed", async () => {
    server.route("POST /v1/generate/test-t2i", { body: PNG, type: "image/png" });
    const events: ProgressEvent[] = [];
    await clientFor().process({
      model: testImageModel,
      prompt: "x",
      onProgress: (event) => events.push(event),
    });
    expect(events).toEqual([{ status: "processing" }, { status: "completed" }]);
  });
});

describe("video models (queue + polling)", () => {
  test("submits only what was asked, reports every change, downloads the content", async () => {
    routeJob(
      "job-1",
      { status: "pending" },
      { status: "processing", progress: 0.5 },
      { status: "processing", progress: 0.5 },
      { status: "completed" },
    );
    const events: ProgressEvent[] = [];
    const video = await clientFor().process({
      model: testVideoModel,
      prompt: "Waves",
      num_inference_steps: 50,
      trajectory: [
        { frame: 0, x: 1, y: 2 },
        { frame: 10, x: 3.5, y: 4 },
      ],
      onProgress: (event) => events.push(event),
    });
    expect(video.type).toBe("video/mp4");
    expect(new Uint8Array(await video.arrayBuffer())).toEqual(MP4);
    expect(events).toEqual([
      { status: "pending", jobId: "job-1" },
      { status: "processing", progress: 0.5, jobId: "job-1" },
      { status: "completed", jobId: "job-1" },
    ]);
    const [submit] = server.requestsTo("POST /v1/jobs/test-i2v");
    // No Idempotency-Key: no official client sends one, and no retry relies on it.
    expect(submit?.headers["idempotency-key"]).toBeUndefined();
    expect([...(submit?.form?.keys() ?? [])].sort()).toEqual(["num_inference_steps", "prompt", "trajectory"]);
    expect(submit?.form?.get("num_inference_steps")).toBe("50");
    expect(JSON.parse(submit?.form?.get("trajectory") as string)).toEqual([
      { frame: 0, x: 1, y: 2 },
      { frame: 10, x: 3.5, y: 4 },
    ]);
    expect(server.requestsTo("GET /v1/jobs/job-1")).toHaveLength(4);
    expect(server.requestsTo("GET /v1/jobs/job-1/content")).toHaveLength(1);
  });

  test("a job the server completes at once resolves in milliseconds with default polling", async () => {
    routeJob("job-fast", { status: "completed" });
    const client = createDecartClient({ apiKey: "k", baseUrl: server.url });
    await client.process({ model: testVideoModel, prompt: "warm up" });
    const durations: number[] = [];
    for (let run = 0; run < 7; run++) {
      const started = performance.now();
      await client.process({ model: testVideoModel, prompt: "quick" });
      durations.push(performance.now() - started);
    }
    durations.sort((a, b) => a - b);
    // The benchmark goal is ≤ 50 ms; the bound here leaves room for a loaded CI machine while still
    // failing for a fixed first sleep (Decart's SDK waits 500 ms) or a slow first interval.
    expect(durations[3], `durations ${durations.map(Math.round).join(", ")} ms`).toBeLessThan(150);
  });

  test("a failed job rejects with ProcessingError carrying the server's reason", async () => {
    routeJob("job-bad", { status: "failed", error: "GPU fell over" });
    const error = await clientFor()
      .process({ model: testVideoModel, prompt: "x" })
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(ProcessingError);
    expect(error.code).toBe("JOB_FAILED");
    expect(error.message).toContain("GPU fell over");
  });

  test("a cancelled job, in either wire form, rejects with JOB_CANCELLED", async () => {
    for (const cancelled of [{ status: "cancelled" }, { status: "failed", cancelled: true }]) {
      server.reset();
      routeJob("job-off", cancelled);
      const error = await clientFor()
        .process({ model: testVideoModel, prompt: "x" })
        .catch((caught) => caught);
      expect(error).toBeInstanceOf(ProcessingError);
      expect(error).toMatchObject({ code: "JOB_CANCELLED", jobId: "job-off" });
    }
  });

  test("an unknown status keeps the client polling until the job ends", async () => {
    routeJob("job-new", { status: "queued" }, { status: "warming_up" }, { status: "completed" });
    const events: ProgressEvent[] = [];
    const video = await clientFor().process({
      model: testVideoModel,
      prompt: "x",
      onProgress: (event) => events.push(event),
    });
    expect(video.type).toBe("video/mp4");
    expect(events.map((event) => event.status)).toEqual(["pending", "queued", "warming_up", "completed"]);
  });

  test("an unknown status that never ends polls until the deadline, then times out", async () => {
    routeJob("job-stuck", { status: "queued" });
    server.route("POST /v1/jobs/job-stuck/cancel", { status: 404, body: { detail: "Not Found" } });
    const error = await clientFor()
      .process({ model: testVideoModel, prompt: "x", deadline: 300 })
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(server.requestsTo("GET /v1/jobs/job-stuck").length).toBeGreaterThan(1);
  });

  test("honours Retry-After on a status response", async () => {
    server.route("POST /v1/jobs/test-i2v", { body: { job_id: "job-ra", status: "pending" } });
    server.route(
      "GET /v1/jobs/job-ra",
      { body: { job_id: "job-ra", status: "processing" }, headers: { "retry-after": "1" } },
      { body: { job_id: "job-ra", status: "completed" } },
    );
    server.route("GET /v1/jobs/job-ra/content", { body: MP4, type: "video/mp4" });
    await clientFor().process({ model: testVideoModel, prompt: "x" });
    const polls = server.requestsTo("GET /v1/jobs/job-ra");
    expect((polls[1]?.receivedAt ?? 0) - (polls[0]?.receivedAt ?? 0)).toBeGreaterThanOrEqual(950);
  });
});

describe("file inputs", () => {
  test("each input kind becomes a file part with a MIME type and filename", async () => {
    server.route("GET /assets/cat.webp", {
      body: new Uint8Array([0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x45, 0x42, 0x50]),
      type: "image/webp",
    });
    routeJob("job-files", { status: "completed" });
    const client = clientFor();
    const cases: Array<[unknown, { name: string; type: string; bytes?: Uint8Array }]> = [
      [
        new File([JPEG], "photo.jpg", { type: "image/jpeg" }),
        { name: "photo.jpg", type: "image/jpeg", bytes: JPEG },
      ],
      [new Blob([PNG], { type: "image/png" }), { name: "data.png", type: "image/png", bytes: PNG }],
      [new Blob([MP4]), { name: "data.mp4", type: "video/mp4", bytes: MP4 }],
      [PNG.buffer.slice(0), { name: "data.png", type: "image/png", bytes: PNG }],
      [JPEG, { name: "data.jpg", type: "image/jpeg", bytes: JPEG }],
      [new Blob([MP4]).stream(), { name: "data.mp4", type: "video/mp4", bytes: MP4 }],
      [new URL(`${server.url}/assets/cat.webp`), { name: "cat.webp", type: "image/webp" }],
      [`${server.url}/assets/cat.webp`, { name: "cat.webp", type: "image/webp" }],
      [new Uint8Array([1, 2, 3]), { name: "data.bin", type: "application/octet-stream" }],
    ];
    for (const [input, expected] of cases) {
      server.requests.length = 0;
      await client.process({ model: testVideoModel, prompt: "x", data: input as Blob });
      const part = fileField(server.requestsTo("POST /v1/jobs/test-i2v")[0] ?? { form: undefined }, "data");
      expect({ name: part.name, type: part.type }).toEqual({ name: expected.name, type: expected.type });
      if (expected.bytes) expect(part.bytes).toEqual(expected.bytes);
    }
    // URL inputs are downloaded without the API key.
    const download = server.requestsTo("GET /assets/cat.webp")[0];
    expect(download?.headers["x-api-key"]).toBeUndefined();
  });

  test("a large file upload is a fixed-length body, streamed or (with a custom fetch) a Blob", async () => {
    routeJob("job-length", { status: "completed" });
    // Over 1 MB, so that in Node without a custom fetch the body is the SDK's own multipart stream.
    const bytes = new Uint8Array(2 ** 20 + 3).map((_, index) => index % 251);
    const data = new File([bytes], 'clip "a".mp4', { type: "video/mp4" });
    const forms = [];
    for (const fetch of [
      undefined,
      (input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init),
    ]) {
      server.requests.length = 0;
      await clientFor({ fetch }).process({ model: testVideoModel, prompt: "a\nb", data });
      const submit = server.requestsTo("POST /v1/jobs/test-i2v")[0];
      expect(submit?.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=----decart-/);
      expect(submit?.headers["transfer-encoding"]).toBeUndefined();
      expect(Number(submit?.headers["content-length"])).toBe(submit?.body.byteLength);
      forms.push(submit?.form);
    }
    // Bytes are compared as Buffers: vitest's element-wise toEqual of two 1 MiB arrays blocks the event
    // loop for seconds, long enough for the server's keep-alive timer to close sockets under the next test.
    for (const form of forms) {
      const { bytes: received, ...part } = fileField({ form }, "data");
      expect(part).toEqual({ name: 'clip "a".mp4', type: "video/mp4", size: bytes.byteLength });
      expect(Buffer.from(received).equals(Buffer.from(bytes))).toBe(true);
      expect(form?.get("prompt")).toBe("a\nb");
    }
    expect([...(forms[0]?.keys() ?? [])]).toEqual([...(forms[1]?.keys() ?? [])]);
  });

  test("a file-backed Blob whose file is gone by the upload is a ProcessingError naming the read failure, and no job is made", async () => {
    // A model of its own: a half-sent request may reach the server after this test ended.
    const model = {
      ...testVideoModel,
      endpoints: { ...testVideoModel.endpoints, jobs: "/v1/jobs/test-gone" },
    };
    server.route("POST /v1/jobs/test-gone", { body: { job_id: "job-gone", status: "completed" } });
    const directory = mkdtempSync(join(tmpdir(), "decart-gone-"));
    const path = join(directory, "clip.mp4");
    writeFileSync(path, MP4);
    const data = await openAsBlob(path, { type: "video/mp4" });
    rmSync(directory, { recursive: true });
    const error = await clientFor()
      .process({ model, prompt: "x", data })
      .catch((caught) => caught);
    // The runtime could not read the file: a ProcessingError that says so (not an unexplained code).
    expect(error).toBeInstanceOf(ProcessingError);
    expect(error.message).toMatch(/failed before a response arrived: NotReadableError: /);
    expect(server.requestsTo("POST /v1/jobs/test-gone").filter((request) => !request.aborted)).toHaveLength(
      0,
    );
  });

  test("start and end travel as two parts", async () => {
    routeJob("job-flf", { status: "completed" });
    await clientFor().process({
      model: testVideoModel,
      prompt: "x",
      start: new Blob([PNG]),
      end: new Blob([JPEG]),
    });
    const submit = server.requestsTo("POST /v1/jobs/test-i2v")[0] ?? { form: undefined };
    expect(fileField(submit, "start").type).toBe("image/png");
    expect(fileField(submit, "end").type).toBe("image/jpeg");
  });

  test("an unreachable URL input is an InvalidInputError naming the field, before any API call", async () => {
    const error = await clientFor()
      .process({ model: testVideoModel, prompt: "x", data: `${server.url}/missing.png` })
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toMatch(/^Invalid inputs for test-i2v: data could not be downloaded/);
    expect(server.requestsTo("POST /v1/jobs/test-i2v")).toHaveLength(0);
  });
});

describe("validation", () => {
  test("rejects with the notes' message before any request", async () => {
    const client = clientFor();
    // @ts-expect-error prompt is required
    const missing = await client.process({ model: testVideoModel }).catch((caught) => caught);
    expect(missing).toBeInstanceOf(InvalidInputError);
    expect(missing.message).toBe("Invalid inputs for test-i2v: prompt is required");
    expect(missing.issues).toEqual([{ field: "prompt", message: "prompt is required" }]);
    const long = await client
      .process({ model: testVideoModel, prompt: "x".repeat(1001) })
      .catch((caught) => caught);
    expect(long.message).toBe("Invalid inputs for test-i2v: prompt must be at most 1000 characters");
    // A message that does not name its field gets the field in front.
    const seed = await client
      .process({ model: testVideoModel, prompt: "x", seed: 1.5 })
      .catch((caught) => caught);
    expect(seed.message).toMatch(/^Invalid inputs for test-i2v: seed /);
    expect(server.requests).toHaveLength(0);
  });
});

describe("errors from real responses", () => {
  const cases: Array<[string, object, new (...args: never[]) => Error, Partial<Record<string, unknown>>]> = [
    [
      "JSON 401",
      { status: 401, body: { detail: "bad key", code: "UNAUTHORIZED" } },
      InvalidAPIKeyError,
      { code: "UNAUTHORIZED" },
    ],
    ["text 403", { status: 403, body: "Forbidden" }, InvalidAPIKeyError, { code: "INVALID_API_KEY" }],
    [
      "JSON 400",
      { status: 400, body: { detail: "seed out of range", code: "INVALID_INPUT" } },
      InvalidInputError,
      { code: "INVALID_INPUT" },
    ],
    [
      "HTML 413",
      {
        status: 413,
        body: "<html><head><title>413 Request Entity Too Large</title></head><body>nginx</body></html>",
        type: "text/html",
      },
      InvalidInputError,
      {},
    ],
    [
      "JSON 422",
      {
        status: 422,
        body: { detail: [{ loc: ["body", "prompt"], msg: "Field required", type: "missing" }] },
      },
      InvalidInputError,
      { message: "Invalid inputs for test-t2i: prompt: Field required" },
    ],
    [
      "legacy nested JSON 422",
      { status: 422, body: { error: { code: "UNPROCESSABLE", message: "bad" } } },
      InvalidInputError,
      { code: "UNPROCESSABLE", message: "Invalid inputs for test-t2i: bad" },
    ],
    ["JSON 404", { status: 404, body: { detail: "no such model" } }, ModelNotFoundError, {}],
    [
      "JSON 429",
      {
        status: 429,
        headers: { "retry-after": "0" },
        body: { detail: "slow down" },
      },
      RateLimitError,
      { retryAfter: 0 },
    ],
    ["JSON 500", { status: 500, body: { detail: "boom" } }, ProcessingError, {}],
    ["empty 502", { status: 502 }, ProcessingError, {}],
    [
      "HTML 504",
      { status: 504, body: "<!doctype html><h1>Gateway Timeout</h1>", type: "text/html" },
      ProcessingError,
      {},
    ],
    [
      "truncated JSON 500",
      { status: 500, body: '{"detail": "cut sh', type: "application/json" },
      ProcessingError,
      {},
    ],
  ];
  test.each(cases)("%s", async (_label, reply, ErrorClass, fields) => {
    server.route("POST /v1/generate/test-t2i", reply);
    const error = await clientFor()
      .process({ model: testImageModel, prompt: "x" })
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error.status).toBe((reply as { status: number }).status);
    expect(error.requestId).toMatch(/^req_\d+$/);
    expect(error.cause).toBeDefined();
    for (const [key, value] of Object.entries(fields)) expect(error[key]).toBe(value);
    expect(error.message).not.toMatch(/<|undefined|\[object/);
  });

  test("messages carry the server's words, once", async () => {
    server.route("POST /v1/generate/test-t2i", {
      status: 400,
      body: { detail: "seed out of range", code: "INVALID_INPUT" },
    });
    const error = await clientFor()
      .process({ model: testImageModel, prompt: "x" })
      .catch((caught) => caught);
    expect(error.message).toBe("Invalid inputs for test-t2i: seed out of range");
    // A server message already in the notes' form is not prefixed again.
    server.route("POST /v1/generate/test-t2i", {
      status: 422,
      body: { detail: "Invalid inputs for test-t2i: prompt must be at most 1000 characters" },
    });
    const named = await clientFor()
      .process({ model: testImageModel, prompt: "x" })
      .catch((caught) => caught);
    expect(named.message).toBe("Invalid inputs for test-t2i: prompt must be at most 1000 characters");
    // FastAPI's list form names each field, in the message and as issues.
    server.route("POST /v1/generate/test-t2i", {
      status: 422,
      body: {
        detail: [
          { loc: ["body", "prompt"], msg: "Field required", type: "missing" },
          { loc: ["body", "seed"], msg: "Input should be a valid integer", type: "int_parsing" },
        ],
      },
    });
    const list = await clientFor()
      .process({ model: testImageModel, prompt: "x" })
      .catch((caught) => caught);
    expect(list).toBeInstanceOf(InvalidInputError);
    expect(list.message).toBe(
      "Invalid inputs for test-t2i: prompt: Field required; seed: Input should be a valid integer",
    );
    expect(list.issues).toEqual([
      { field: "prompt", message: "prompt: Field required" },
      { field: "seed", message: "seed: Input should be a valid integer" },
    ]);
    server.route("POST /v1/generate/test-t2i", {
      status: 413,
      body: "<html><head><title>413 Request Entity Too Large</title></head></html>",
      type: "text/html",
    });
    const html = await clientFor()
      .process({ model: testImageModel, prompt: "x" })
      .catch((caught) => caught);
    expect(html.message).toBe("Invalid inputs for test-t2i: 413 Request Entity Too Large");
  });

  test("a sync result cut short mid-download is a ProcessingError, not retried (the work was done)", async () => {
    server.route("POST /v1/generate/test-t2i", {
      body: new Uint8Array(64 * 1024),
      type: "image/png",
      truncate: true,
    });
    const error = await clientFor()
      .process({ model: testImageModel, prompt: "x" })
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(ProcessingError);
    expect(error.code).toBe("NETWORK_ERROR");
    expect(error.message).toMatch(/while its response was read/);
    expect(server.requestsTo("POST /v1/generate/test-t2i")).toHaveLength(1);
  });

  test("a connection reset is a retryable ProcessingError", async () => {
    server.route("GET /v1/jobs/gone", { reset: true });
    const error = await clientFor()
      .queue.status("gone")
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(ProcessingError);
    expect(error.code).toBe("NETWORK_ERROR");
    expect(error.retryable).toBe(true);
    expect(server.requestsTo("GET /v1/jobs/gone")).toHaveLength(3);
  });

  test("a slow response is a TimeoutError", async () => {
    server.route("POST /v1/generate/test-t2i", { body: PNG, delay: 500 });
    const started = performance.now();
    const error = await clientFor({ timeout: 100 })
      .process({ model: testImageModel, prompt: "x" })
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(performance.now() - started).toBeLessThan(400);
  });

  test("a download that stalls mid-body is a TimeoutError", async () => {
    server.route("POST /v1/generate/test-t2i", {
      body: new Uint8Array(64 * 1024),
      type: "image/png",
      pauseMidBody: 2_000,
    });
    const started = performance.now();
    const error = await clientFor({ timeout: 150 })
      .process({ model: testImageModel, prompt: "x" })
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  test("the overall deadline rejects with TimeoutError and cancels the job", async () => {
    routeJob("job-slow", { status: "processing" });
    server.route("POST /v1/jobs/job-slow/cancel", { body: { job_id: "job-slow", status: "cancelled" } });
    const error = await clientFor()
      .process({ model: testVideoModel, prompt: "x", deadline: 100 })
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(TimeoutError);
    await server.waitFor((request) => request.path === "/v1/jobs/job-slow/cancel");
  });
});

describe("retries", () => {
  test("sync generate retries 503 honouring Retry-After, then succeeds", async () => {
    server.route(
      "POST /v1/generate/test-t2i",
      { status: 503, headers: { "retry-after": "1" }, body: { detail: "busy" } },
      { body: PNG, type: "image/png" },
    );
    const blob = await clientFor().process({ model: testImageModel, prompt: "x", data: new Blob([JPEG]) });
    expect(blob.type).toBe("image/png");
    const attempts = server.requestsTo("POST /v1/generate/test-t2i");
    expect(attempts).toHaveLength(2);
    expect((attempts[1]?.receivedAt ?? 0) - (attempts[0]?.receivedAt ?? 0)).toBeGreaterThanOrEqual(950);
    // The body was rebuilt for the retry, file part included.
    expect(fileField(attempts[1] ?? { form: undefined }, "data").bytes).toEqual(JPEG);
  });

  test("sync generate is not retried on 500", async () => {
    server.route("POST /v1/generate/test-t2i", {
      status: 500,
      body: { detail: "x" },
    });
    await expect(clientFor().process({ model: testImageModel, prompt: "x" })).rejects.toBeInstanceOf(
      ProcessingError,
    );
    expect(server.requestsTo("POST /v1/generate/test-t2i")).toHaveLength(1);
  });

  test("sync generate is not retried after a dropped connection or a timeout", async () => {
    // Attempts are counted as the client makes them: the server shares this process's event loop, so
    // under load it may read a request only after the client has already given up on it.
    let attempts = 0;
    const fetch: typeof globalThis.fetch = (input, init) => {
      attempts += 1;
      return globalThis.fetch(input, init);
    };
    server.route("POST /v1/generate/test-t2i", { reset: true });
    const reset = await clientFor({ fetch })
      .process({ model: testImageModel, prompt: "x" })
      .catch((caught) => caught);
    expect(reset).toBeInstanceOf(ProcessingError);
    expect(reset.code).toBe("NETWORK_ERROR");
    expect(attempts).toBe(1);
    // The server records a request before it drops the connection.
    expect(server.requestsTo("POST /v1/generate/test-t2i")).toHaveLength(1);

    // Never answered, so the attempt can only end by timing out; the timeout leaves the request ample
    // time to reach the server first.
    server.route("POST /v1/generate/test-t2i", { stall: true });
    const slow = await clientFor({ fetch, timeout: 1_000 })
      .process({ model: testImageModel, prompt: "x" })
      .catch((caught) => caught);
    expect(slow).toBeInstanceOf(TimeoutError);
    expect(attempts).toBe(2);
    // The timed-out attempt was really sent: the server saw it (possibly after the client gave up).
    await vi.waitFor(() => expect(server.requestsTo("POST /v1/generate/test-t2i")).toHaveLength(2), {
      timeout: 5_000,
    });
  });

  test("a status read that times out is retried", async () => {
    server.route(
      "GET /v1/jobs/slow",
      { body: { job_id: "slow", status: "processing" }, delay: 400 },
      { body: { job_id: "slow", status: "completed" } },
    );
    await expect(clientFor({ timeout: 100 }).queue.status("slow")).resolves.toEqual({
      job_id: "slow",
      status: "completed",
    });
    expect(server.requestsTo("GET /v1/jobs/slow")).toHaveLength(2);
  });

  test("job submission is retried on 429 and 503, where the server created no job, but not on 502", async () => {
    server.route(
      "POST /v1/jobs/test-i2v",
      { status: 503, headers: { "retry-after": "0" }, body: { detail: "busy" } },
      { status: 429, headers: { "retry-after": "0" }, body: { detail: "slow down" } },
      { body: { job_id: "job-busy", status: "pending" } },
    );
    server.route("GET /v1/jobs/job-busy", { body: { job_id: "job-busy", status: "completed" } });
    server.route("GET /v1/jobs/job-busy/content", { body: MP4, type: "video/mp4" });
    await clientFor().process({ model: testVideoModel, prompt: "x", data: new Blob([PNG]) });
    const submits = server.requestsTo("POST /v1/jobs/test-i2v");
    expect(submits).toHaveLength(3);
    // The body was rebuilt for each retry, file part included.
    expect(fileField(submits[2] ?? { form: undefined }, "data").bytes).toEqual(PNG);

    server.reset();
    server.route("POST /v1/jobs/test-i2v", { status: 502, body: "Bad Gateway" });
    const error = await clientFor()
      .process({ model: testVideoModel, prompt: "x" })
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(ProcessingError);
    expect(error.status).toBe(502);
    expect(server.requestsTo("POST /v1/jobs/test-i2v")).toHaveLength(1);
  });

  test("job submission is not retried after a reset or a timeout once the body went out", async () => {
    let attempts = 0;
    const fetch: typeof globalThis.fetch = (input, init) => {
      attempts += 1;
      return globalThis.fetch(input, init);
    };
    server.route("POST /v1/jobs/test-i2v", { reset: true });
    const reset = await clientFor({ fetch })
      .process({ model: testVideoModel, prompt: "x" })
      .catch((caught) => caught);
    expect(reset).toMatchObject({ name: "ProcessingError", code: "NETWORK_ERROR" });
    expect(attempts).toBe(1);
    expect(server.requestsTo("POST /v1/jobs/test-i2v")).toHaveLength(1);

    server.route("POST /v1/jobs/test-i2v", { stall: true });
    const slow = await clientFor({ fetch, timeout: 1_000 })
      .process({ model: testVideoModel, prompt: "x" })
      .catch((caught) => caught);
    expect(slow).toBeInstanceOf(TimeoutError);
    expect(attempts).toBe(2);
  });

  test("a refused connection is retried, for a submission too: nothing was sent", async () => {
    // A port that was just free and is closed again refuses connections.
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    let attempts = 0;
    const error = await clientFor({
      baseUrl: `http://127.0.0.1:${port}`,
      fetch: (input, init) => {
        attempts += 1;
        return globalThis.fetch(input, init);
      },
    })
      .queue.submit({ model: testVideoModel, prompt: "x" })
      .catch((caught) => caught);
    expect(error).toMatchObject({ name: "ProcessingError", code: "NETWORK_ERROR" });
    expect(error.message).toMatch(/ECONNREFUSED/);
    expect(attempts).toBe(3);
  });

  test("a download cut short or stalled mid-body is retried, and completes", async () => {
    server.route(
      "GET /v1/jobs/job-dl/content",
      { body: MP4, type: "video/mp4", truncate: true },
      { body: MP4, type: "video/mp4", pauseMidBody: 2_000 },
      { body: MP4, type: "video/mp4" },
    );
    const video = await clientFor({ timeout: 500 }).queue.result("job-dl");
    expect(new Uint8Array(await video.arrayBuffer())).toEqual(MP4);
    expect(video.type).toBe("video/mp4");
    expect(server.requestsTo("GET /v1/jobs/job-dl/content")).toHaveLength(3);
  });

  test("a status body cut short is retried", async () => {
    server.route(
      "GET /v1/jobs/job-cut",
      { body: { job_id: "job-cut", status: "processing" }, truncate: true },
      { body: { job_id: "job-cut", status: "processing" } },
    );
    await expect(clientFor().queue.status("job-cut")).resolves.toEqual({
      job_id: "job-cut",
      status: "processing",
    });
    expect(server.requestsTo("GET /v1/jobs/job-cut")).toHaveLength(2);
  });

  test("status polls retry 500s; retry: 0 turns retries off", async () => {
    server.route(
      "GET /v1/jobs/flaky",
      { status: 500 },
      { status: 500 },
      { body: { job_id: "flaky", status: "processing" } },
    );
    await expect(clientFor().queue.status("flaky")).resolves.toEqual({
      job_id: "flaky",
      status: "processing",
    });
    expect(server.requestsTo("GET /v1/jobs/flaky")).toHaveLength(3);
    server.reset();
    server.route("GET /v1/jobs/flaky", { status: 503 });
    await expect(clientFor({ retry: 0 }).queue.status("flaky")).rejects.toBeInstanceOf(ProcessingError);
    expect(server.requestsTo("GET /v1/jobs/flaky")).toHaveLength(1);
  });

  test("429 after the retries is a RateLimitError with retryAfter", async () => {
    server.route("POST /v1/generate/test-t2i", {
      status: 429,
      headers: { "retry-after": "0" },
      body: { detail: "queue full" },
    });
    const error = await clientFor()
      .process({ model: testImageModel, prompt: "x" })
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryAfter).toBe(0);
    expect(server.requestsTo("POST /v1/generate/test-t2i")).toHaveLength(3);
  });
});

describe("abort", () => {
  test("mid-upload: rejects with AbortError within milliseconds; the server sees the upload dropped", async () => {
    server.route("POST /v1/generate/test-t2i", { stall: true });
    const controller = new AbortController();
    const big = new Blob([new Uint8Array(32 * 1024 * 1024)], { type: "image/png" });
    const pending = clientFor().process({
      model: testImageModel,
      prompt: "x",
      data: big,
      signal: controller.signal,
    });
    const request = await server.waitFor((recorded) => recorded.path === "/v1/generate/test-t2i");
    const started = performance.now();
    controller.abort();
    const error = await pending.catch((caught) => caught);
    expect(performance.now() - started).toBeLessThan(50);
    expect(error).toBeInstanceOf(DOMException);
    expect(error.name).toBe("AbortError");
    // undici drops the half-sent upload a little later; the caller was released at once.
    await expect.poll(() => request.aborted, { timeout: 5_000 }).toBe(true);
  });

  test("mid-poll: rejects within milliseconds, stops polling, cancels the job", async () => {
    routeJob("job-abort", { status: "processing", progress: 0.1 });
    server.route("POST /v1/jobs/job-abort/cancel", { body: { job_id: "job-abort", status: "cancelled" } });
    const controller = new AbortController();
    const reason = new Error("user left");
    const pending = createDecartClient({ apiKey: "k", baseUrl: server.url }).process({
      model: testVideoModel,
      prompt: "x",
      signal: controller.signal,
      onProgress: (event) => {
        if (event.status === "processing") setTimeout(() => controller.abort(reason), 5);
      },
    });
    const error = await pending.catch((caught) => caught);
    const abortedAt = performance.now();
    expect(error).toBe(reason);
    const cancel = await server.waitFor((request) => request.path === "/v1/jobs/job-abort/cancel");
    expect(cancel.headers["x-api-key"]).toBe("k");
    const polls = server.requestsTo("GET /v1/jobs/job-abort").length;
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(server.requestsTo("GET /v1/jobs/job-abort").length).toBe(polls);
    expect(cancel.receivedAt - abortedAt).toBeLessThan(100);
  });

  test("during job submission: rejects at once, then cancels the job the late answer names", async () => {
    server.route("POST /v1/jobs/test-i2v", { body: { job_id: "job-late", status: "pending" }, delay: 150 });
    server.route("POST /v1/jobs/job-late/cancel", { body: { job_id: "job-late", status: "cancelled" } });
    const controller = new AbortController();
    const pending = clientFor().process({ model: testVideoModel, prompt: "x", signal: controller.signal });
    await server.waitFor((request) => request.path === "/v1/jobs/test-i2v");
    const started = performance.now();
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
    expect(performance.now() - started).toBeLessThan(50);
    await server.waitFor((request) => request.path === "/v1/jobs/job-late/cancel");
    expect(server.requestsTo("GET /v1/jobs/job-late")).toHaveLength(0);
  });

  test("an already aborted signal rejects without a request", async () => {
    const error = await clientFor()
      .process({ model: testImageModel, prompt: "x", signal: AbortSignal.abort() })
      .catch((caught) => caught);
    expect(error.name).toBe("AbortError");
    expect(server.requests).toHaveLength(0);
  });

  test("a cancel endpoint that answers 404 is given up quietly", async () => {
    routeJob("job-nocancel", { status: "processing" });
    const controller = new AbortController();
    const pending = clientFor().process({ model: testVideoModel, prompt: "x", signal: controller.signal });
    await server.waitFor((request) => request.path === "/v1/jobs/job-nocancel");
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
    await server.waitFor((request) => request.path === "/v1/jobs/job-nocancel/cancel");
  });
});

describe("no leaks", () => {
  test("no timer outlives a call", async () => {
    routeJob("job-leak", { status: "processing" }, { status: "completed" });
    const timers = () => process.getActiveResourcesInfo().filter((name) => name === "Timeout").length;
    const before = timers();
    await clientFor().process({ model: testVideoModel, prompt: "x", deadline: 60_000 });
    server.route("POST /v1/generate/test-t2i", { body: PNG, type: "image/png" });
    await clientFor().process({ model: testImageModel, prompt: "x" });
    const controller = new AbortController();
    const pending = clientFor().process({
      model: testVideoModel,
      prompt: "x",
      signal: controller.signal,
      deadline: 60_000,
    });
    controller.abort();
    await pending.catch(() => undefined);
    expect(timers()).toBeLessThanOrEqual(before);
  });
});

describe("callbacks", () => {
  test("an onProgress that throws rejects the call with its error and cancels the job", async () => {
    routeJob("job-cb", { status: "processing" });
    server.route("POST /v1/jobs/job-cb/cancel", { body: { job_id: "job-cb", status: "cancelled" } });
    const bug = new Error("callback bug");
    const error = await clientFor()
      .process({
        model: testVideoModel,
        prompt: "x",
        onProgress: (event) => {
          if (event.status === "processing") throw bug;
        },
      })
      .catch((caught) => caught);
    expect(error).toBe(bug);
    await server.waitFor((request) => request.path === "/v1/jobs/job-cb/cancel");
  });

  test("an onProgress that throws on its first call (the submission's report) cancels the job", async () => {
    for (const throwing of [false, true]) {
      server.reset();
      routeJob("job-first", { status: "processing" });
      server.route("POST /v1/jobs/job-first/cancel", { body: { job_id: "job-first", status: "cancelled" } });
      const bug = throwing ? new InvalidInputError("an SDK error thrown by the callback") : new Error("bug");
      const error = await clientFor()
        .process({
          model: testVideoModel,
          prompt: "x",
          onProgress: () => {
            throw bug;
          },
        })
        .catch((caught) => caught);
      expect(error).toBe(bug);
      await server.waitFor((request) => request.path === "/v1/jobs/job-first/cancel");
      expect(server.requestsTo("GET /v1/jobs/job-first")).toHaveLength(0);
    }
  });

  test("a plugin hook that throws after the submission cancels the job, with an SDK error", async () => {
    routeJob("job-hook", { status: "processing" });
    server.route("POST /v1/jobs/job-hook/cancel", { body: { job_id: "job-hook", status: "cancelled" } });
    const bug = new TypeError("plugin bug");
    const error = await clientFor({
      plugins: [
        {
          afterResponse({ request }) {
            if (request.method === "GET") throw bug;
          },
        },
      ],
    })
      .process({ model: testVideoModel, prompt: "x" })
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(DecartSDKError);
    expect(error.cause).toBe(bug);
    expect(error.message).toMatch(/failed in a plugin hook: plugin bug$/);
    expect(error.jobId).toBe("job-hook");
    await server.waitFor((request) => request.path === "/v1/jobs/job-hook/cancel");
  });

  test("queue.submitAndPoll cancels the job when its onProgress throws", async () => {
    routeJob("job-sap", { status: "processing" });
    server.route("POST /v1/jobs/job-sap/cancel", { body: { job_id: "job-sap", status: "cancelled" } });
    const bug = new Error("bug");
    const error = await clientFor()
      .queue.submitAndPoll({
        model: testVideoModel,
        prompt: "x",
        onProgress: () => {
          throw bug;
        },
      })
      .catch((caught) => caught);
    expect(error).toBe(bug);
    await server.waitFor((request) => request.path === "/v1/jobs/job-sap/cancel");
  });

  test("errors after the submission carry the job id", async () => {
    routeJob("job-fail", { status: "failed", error: "out of memory" });
    const failed = await clientFor()
      .process({ model: testVideoModel, prompt: "x" })
      .catch((caught) => caught);
    expect(failed).toMatchObject({ code: "JOB_FAILED", jobId: "job-fail" });
    server.reset();
    server.route("POST /v1/jobs/test-i2v", { body: { job_id: "job-500", status: "pending" } });
    server.route("GET /v1/jobs/job-500", { status: 500 });
    const polling = await clientFor()
      .process({ model: testVideoModel, prompt: "x" })
      .catch((caught) => caught);
    expect(polling).toBeInstanceOf(ProcessingError);
    expect(polling.jobId).toBe("job-500");
    routeJob("job-slow2", { status: "processing" });
    const late = await clientFor()
      .process({ model: testVideoModel, prompt: "x", deadline: 100 })
      .catch((caught) => caught);
    expect(late).toBeInstanceOf(TimeoutError);
    expect(late.jobId).toBe("job-slow2");
  });

  test("a transport failure while polling leaves the job running", async () => {
    server.route("POST /v1/jobs/test-i2v", { body: { job_id: "job-keep", status: "pending" } });
    server.route("GET /v1/jobs/job-keep", {
      status: 401,
      body: { error: { code: "UNAUTHORIZED", message: "expired" } },
    });
    await expect(clientFor().process({ model: testVideoModel, prompt: "x" })).rejects.toBeInstanceOf(
      InvalidAPIKeyError,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.requestsTo("POST /v1/jobs/job-keep/cancel")).toHaveLength(0);
  });
});

describe("long deadlines", () => {
  test("a deadline beyond setTimeout's range (2^31 ms and more) does not fire early", async () => {
    for (const deadline of [2 ** 31, 30 * 24 * 3_600_000, 2 ** 53]) {
      server.reset();
      routeJob("job-long", { status: "processing" }, { status: "processing" }, { status: "completed" });
      const blob = await clientFor().process({ model: testVideoModel, prompt: "x", deadline });
      expect(blob.type).toBe("video/mp4");
      server.route("POST /v1/generate/test-t2i", { body: PNG, type: "image/png", delay: 20 });
      await expect(
        clientFor().process({ model: testImageModel, prompt: "x", deadline }),
      ).resolves.toBeInstanceOf(Blob);
    }
  });
});

describe("text values go over the wire byte for byte", () => {
  const prompts = [
    "line one\nline two\n",
    "windows\r\nline\r\n",
    "a lone\rcarriage return",
    "mixed\n\r\n\r\n\nend",
    "unicode: é ✓ 日本語 🎬 \u00a0\u2028\u2029",
    `${"\n".repeat(999)}x`,
  ];
  const promptOf = (request: { body: Uint8Array; headers: Record<string, unknown> }) => {
    const parts = readRawParts(request.body, String(request.headers["content-type"]));
    const part = parts.find((candidate) => candidate.name === "prompt");
    return part && Buffer.from(part.bytes);
  };
  for (const prompt of prompts) {
    test(`${JSON.stringify(prompt).slice(0, 40)}`, async () => {
      server.route("POST /v1/generate/test-t2i", { body: PNG, type: "image/png" });
      routeJob("job-text", { status: "completed" });
      const client = clientFor();
      await client.process({ model: testImageModel, prompt });
      // A large file makes the body the streamed form in Node; a small one, the Blob form.
      await client.process({ model: testVideoModel, prompt, data: new Blob([PNG]) });
      await client.process({ model: testVideoModel, prompt, data: new Blob([PNG, new Uint8Array(2 ** 20)]) });
      const sent = server.requests.filter((request) => request.method === "POST");
      expect(sent).toHaveLength(3);
      for (const request of sent) expect(promptOf(request)?.equals(Buffer.from(prompt, "utf8"))).toBe(true);
    });
  }

  test("a prompt of 1000 characters with line breaks is accepted and arrives as 1000 characters", async () => {
    server.route("POST /v1/generate/test-t2i", { body: PNG, type: "image/png" });
    const prompt = `${"ab\n".repeat(333)}c`;
    expect(prompt).toHaveLength(1000);
    await clientFor().process({ model: testImageModel, prompt });
    expect(server.requests[0]?.form?.get("prompt")).toBe(prompt);
  });
});
