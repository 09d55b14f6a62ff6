import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { createDecartClient } from "../client/index";
import { InvalidInputError, ProcessingError } from "../errors/index";
import type { ProgressEvent } from "../model/index";
import { MP4, PNG, testImageModel, testVideoModel, useTestServer } from "../test-support/index";

const server = useTestServer();

const client = () =>
  createDecartClient({
    apiKey: "test-key",
    baseUrl: server.url,
    polling: { initialDelay: 0, interval: 5, maxInterval: 10 },
    retry: { limit: 2, baseDelay: 1, maxDelay: 5 },
  });

function routeVideoJob(jobId: string, content: { headers?: Record<string, string> } = {}) {
  server.route("POST /v1/jobs/test-i2v", {
    body: { job_id: jobId, status: "pending" },
    headers: { "x-request-id": "req_submit" },
  });
  server.route(
    `GET /v1/jobs/${jobId}`,
    { body: { job_id: jobId, status: "processing" } },
    { body: { job_id: jobId, status: "completed" } },
  );
  server.route(`GET /v1/jobs/${jobId}/content`, { body: MP4, type: "video/mp4", ...content });
}

describe("await client.process()", () => {
  test("resolves the Blob, as a real Promise", async () => {
    server.route("POST /v1/generate/test-t2i", { body: PNG, type: "image/png" });
    const pending = client().process({ model: testImageModel, prompt: "x" });
    expect(pending).toBeInstanceOf(Promise);
    const blob = await pending;
    expect(blob).toBeInstanceOf(Blob);
    expect(blob.type).toBe("image/png");
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(PNG);
    expect(await Promise.resolve(pending)).toBe(blob);
    expect(await Promise.all([pending])).toEqual([blob]);
    expect(await pending.finally(() => undefined)).toBe(blob);
    // Derived promises are plain ones.
    expect(pending.then((value) => value)).not.toHaveProperty("withResponse");
  });

  test("rejects with the same error as before, and .withResponse() with that same error", async () => {
    routeVideoJob("job_failed");
    server.route("GET /v1/jobs/job_failed", {
      body: { job_id: "job_failed", status: "failed", error: "GPU" },
    });
    const pending = client().process({ model: testVideoModel, prompt: "x" });
    const direct = await pending.catch((error: unknown) => error);
    const viaResponse = await pending.withResponse().catch((error: unknown) => error);
    expect(direct).toBeInstanceOf(ProcessingError);
    expect(direct).toMatchObject({ code: "JOB_FAILED", jobId: "job_failed" });
    expect(viaResponse).toBe(direct);
  });

  test("an aborted call rejects both views with the signal's reason", async () => {
    const controller = new AbortController();
    const reason = new DOMException("stop", "AbortError");
    controller.abort(reason);
    const pending = client().process({ model: testImageModel, prompt: "x", signal: controller.signal });
    await expect(pending).rejects.toBe(reason);
    await expect(pending.withResponse()).rejects.toBe(reason);
    expect(server.requests).toHaveLength(0);
  });
});

describe(".withResponse()", () => {
  test("a video call: the job id, the content response's request id and seed, the model and timings", async () => {
    routeVideoJob("job_abc123", { headers: { "x-request-id": "req_content", "x-decart-seed": "918273" } });
    const seen: ProgressEvent[] = [];
    const { data, jobId, requestId, seed, model, timings } = await client()
      .process({ model: testVideoModel, prompt: "x", onProgress: (event) => seen.push(event) })
      .withResponse();
    expect(data.type).toBe("video/mp4");
    expect(new Uint8Array(await data.arrayBuffer())).toEqual(MP4);
    expect(jobId).toBe("job_abc123");
    expect(requestId).toBe("req_content");
    expect(seed).toBe(918273);
    expect(model).toBe("test-i2v");
    expect(seen.map((event) => event.status)).toEqual(["pending", "processing", "completed"]);
    expect(timings.submittedAt).toBeGreaterThanOrEqual(timings.startedAt);
    expect(timings.completedAt).toBeGreaterThanOrEqual(timings.submittedAt ?? Number.NaN);
    expect(timings.totalMs).toBe(timings.completedAt - timings.startedAt);
    expect(timings.jobMs).toBeGreaterThanOrEqual(0);
    expect(timings.downloadMs).toBeGreaterThanOrEqual(0);
    expect((timings.submittedAt ?? 0) - timings.startedAt + (timings.jobMs ?? 0) + timings.downloadMs).toBe(
      timings.totalMs,
    );
  });

  test("an image call: the generate response's request id and seed, no job", async () => {
    server.route("POST /v1/generate/test-t2i", {
      body: PNG,
      type: "image/png",
      headers: { "x-request-id": "req_image", "x-decart-seed": "7" },
    });
    const response = await client().process({ model: testImageModel, prompt: "x" }).withResponse();
    expect(response).toMatchObject({ requestId: "req_image", seed: 7, model: "test-t2i" });
    expect(response.jobId).toBeUndefined();
    expect(response.timings.submittedAt).toBeUndefined();
    expect(response.timings.jobMs).toBeUndefined();
    expect(response.timings.downloadMs).toBeLessThanOrEqual(response.timings.totalMs);
    expect(response.timings.totalMs).toBe(response.timings.completedAt - response.timings.startedAt);
  });

  test("the request id is the one of the download that succeeded after a retry", async () => {
    routeVideoJob("job_retry");
    server.route(
      "GET /v1/jobs/job_retry/content",
      { status: 503, headers: { "retry-after": "0", "x-request-id": "req_503" }, body: { detail: "busy" } },
      { body: MP4, type: "video/mp4", headers: { "x-request-id": "req_ok" } },
    );
    const { requestId } = await client().process({ model: testVideoModel, prompt: "x" }).withResponse();
    expect(requestId).toBe("req_ok");
    expect(server.requestsTo("GET /v1/jobs/job_retry/content")).toHaveLength(2);
  });

  test("without x-decart-seed, the seed is the one given, or absent", async () => {
    server.route("POST /v1/generate/test-t2i", { body: PNG, type: "image/png" });
    const given = await client().process({ model: testImageModel, prompt: "x", seed: 42 }).withResponse();
    expect(given.seed).toBe(42);
    const none = await client().process({ model: testImageModel, prompt: "x" }).withResponse();
    expect(none.seed).toBeUndefined();
    expect(none.requestId).toMatch(/^req_/); // the test server's own id
  });

  test("the server's seed wins over the one given; an unreadable header falls back to it", async () => {
    server.route(
      "POST /v1/generate/test-t2i",
      { body: PNG, type: "image/png", headers: { "x-decart-seed": "5" } },
      { body: PNG, type: "image/png", headers: { "x-decart-seed": "not-a-number" } },
    );
    expect(
      (await client().process({ model: testImageModel, prompt: "x", seed: 4 }).withResponse()).seed,
    ).toBe(5);
    expect(
      (await client().process({ model: testImageModel, prompt: "x", seed: 4 }).withResponse()).seed,
    ).toBe(4);
  });

  test("starts no second call, however often it is called, before or after awaiting", async () => {
    routeVideoJob("job_once");
    const pending = client().process({ model: testVideoModel, prompt: "x" });
    const first = pending.withResponse();
    const blob = await pending;
    const second = await pending.withResponse();
    expect((await first).data).toBe(blob);
    expect(second.data).toBe(blob);
    expect(await first).toBe(second);
    expect(server.requestsTo("POST /v1/jobs/test-i2v")).toHaveLength(1);
    expect(server.requestsTo("GET /v1/jobs/job_once/content")).toHaveLength(1);
  });
});

describe("unhandled rejections", () => {
  const unhandled: unknown[] = [];
  let saved: NodeJS.UnhandledRejectionListener[] = [];
  const record = (reason: unknown) => unhandled.push(reason);
  beforeEach(() => {
    // Count them here instead of letting the test runner fail on the one the last test makes on purpose.
    saved = process.listeners("unhandledRejection");
    process.removeAllListeners("unhandledRejection");
    process.on("unhandledRejection", record);
    unhandled.length = 0;
  });
  afterEach(() => {
    process.off("unhandledRejection", record);
    for (const listener of saved) process.on("unhandledRejection", listener);
  });
  /** Lets Node report what was left unhandled: it does so after the microtasks of a macrotask. */
  const turns = async () => {
    for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
  };
  const invalid = () => client().process({ model: testImageModel } as never);

  test("none when the promise is awaited and .withResponse() never called", async () => {
    await expect(invalid()).rejects.toBeInstanceOf(InvalidInputError);
    try {
      await invalid();
    } catch {}
    await turns();
    expect(unhandled).toEqual([]);
  });

  test("none when only .withResponse() is awaited", async () => {
    await expect(invalid().withResponse()).rejects.toBeInstanceOf(InvalidInputError);
    await turns();
    expect(unhandled).toEqual([]);
  });

  test("one, the call's own error, when the promise is dropped (as a plain Promise would give)", async () => {
    const dropped = invalid();
    await turns();
    expect(unhandled).toHaveLength(1);
    expect(unhandled[0]).toBeInstanceOf(InvalidInputError);
    await dropped.catch(() => undefined);
  });
});
