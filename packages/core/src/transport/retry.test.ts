import { createServer } from "node:net";
import { describe, expect, test, vi } from "vitest";
import { ProcessingError, RateLimitError, TimeoutError } from "../errors/index";
import { JPEG, MP4, PNG, testImageModel, testVideoModel, useTestClient } from "../test-support/index";

const { server, clientFor, fileField } = useTestClient();

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

  test("retry.rateLimited: false hands a 429 back at once, and still retries the rest", async () => {
    server.route("POST /v1/jobs/test-i2v", {
      status: 429,
      headers: { "retry-after": "30" },
      body: { detail: "slow down" },
    });
    server.route("GET /v1/jobs/r1", { status: 503 }, { status: 429, headers: { "retry-after": "7" } });
    const client = clientFor({ retry: { rateLimited: false, baseDelay: 1 } });
    const submit = await client.queue
      .submit({ model: testVideoModel, prompt: "x" })
      .catch((caught) => caught);
    expect(submit).toBeInstanceOf(RateLimitError);
    expect(submit.retryAfter).toBe(30);
    expect(server.requestsTo("POST /v1/jobs/test-i2v")).toHaveLength(1);
    const status = await client.queue.status("r1").catch((caught) => caught);
    expect(status).toBeInstanceOf(RateLimitError);
    expect(status.retryAfter).toBe(7);
    // The 503 was retried; the 429 after it was not.
    expect(server.requestsTo("GET /v1/jobs/r1")).toHaveLength(2);
  });
});
