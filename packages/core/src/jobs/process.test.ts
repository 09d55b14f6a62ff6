import { readRawParts } from "@decart/test-server/multipart";
import { describe, expect, test, vi } from "vitest";
import { createDecartClient } from "../client/index";
import { InvalidInputError, ProcessingError, TimeoutError } from "../errors/index";
import type { ProgressEvent } from "../model/index";
import { MP4, PNG, testImageModel, testVideoModel, useTestClient } from "../test-support/index";

const realSetTimeout = globalThis.setTimeout;
const sdkSources = new URL("..", import.meta.url).pathname;
/** Whether a stack (taken inside the setTimeout stand-in) passes through the SDK's own sources. */
const startedBySdk = (stack = "") =>
  stack
    .split("\n")
    .slice(2)
    .some(
      (line) => line.includes(sdkSources) && !line.includes(".test.ts") && !line.includes("/test-support/"),
    );

const { server, clientFor, routeJob } = useTestClient();

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

  test("a job the server completes at once is read by one poll, with no wait beyond the default initial delay", async () => {
    routeJob("job-fast", { status: "completed" });
    // No request timeout, so every timer the SDK starts is one of polling's waits.
    const client = createDecartClient({ apiKey: "k", baseUrl: server.url, timeout: false });
    const waits: number[] = [];
    const spy = vi.spyOn(globalThis, "setTimeout").mockImplementation(((
      callback: () => void,
      ms?: number,
    ) => {
      // Only the SDK's own timers (the runtime's HTTP stack keeps timers of its own).
      if (startedBySdk(new Error().stack)) waits.push(ms ?? 0);
      return realSetTimeout(callback, ms);
    }) as typeof setTimeout);
    try {
      await client.process({ model: testVideoModel, prompt: "quick" });
    } finally {
      spy.mockRestore();
    }
    // Speed itself is the benchmarks' to measure; here: no fixed first sleep (Decart's SDK waits 500 ms)
    // and no interval before the first read of a finished job.
    expect(Math.max(0, ...waits), `waits ${waits.map(Math.round).join(", ")} ms`).toBeLessThanOrEqual(25);
    expect(server.requestsTo("GET /v1/jobs/job-fast")).toHaveLength(1);
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

describe("validation", () => {
  test("rejects invalid inputs with an InvalidInputError naming the fields, before any request", async () => {
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
