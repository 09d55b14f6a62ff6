import { describe, expect, test } from "vitest";
import { createDecartClient } from "../client/index";
import { InvalidInputError, ProcessingError } from "../errors/index";
import { MP4, testVideoModel, useTestServer } from "../test-support/index";

const server = useTestServer();

const client = () =>
  createDecartClient({
    apiKey: "k",
    baseUrl: server.url,
    polling: { initialDelay: 0, interval: 5, maxInterval: 5 },
    retry: { baseDelay: 1 },
  });

describe("client.queue", () => {
  test("submit, status, result", async () => {
    server.route("POST /v1/jobs/test-i2v", { body: { job_id: "q1", status: "pending" } });
    server.route("GET /v1/jobs/q1", {
      body: { job_id: "q1", status: "processing", progress: 0.25, extra: true },
    });
    server.route("GET /v1/jobs/q1/content", { body: MP4, type: "video/mp4" });
    const queue = client().queue;
    await expect(queue.submit({ model: testVideoModel, prompt: "x" })).resolves.toEqual({
      job_id: "q1",
      status: "pending",
    });
    expect(server.requests[0]?.headers["idempotency-key"]).toBeUndefined();
    await expect(queue.status("q1")).resolves.toEqual({ job_id: "q1", status: "processing", progress: 0.25 });
    const blob = await queue.result("q1");
    expect(blob.type).toBe("video/mp4");
  });

  test("submit reads an answer that names its job without a status as pending, and a numeric id as its digits", async () => {
    server.route(
      "POST /v1/jobs/test-i2v",
      { body: { job_id: "q-bare" } },
      { body: { job_id: 4017, status: "queued" } },
    );
    const queue = client().queue;
    await expect(queue.submit({ model: testVideoModel, prompt: "x" })).resolves.toEqual({
      job_id: "q-bare",
      status: "pending",
    });
    await expect(queue.submit({ model: testVideoModel, prompt: "x" })).resolves.toEqual({
      job_id: "4017",
      status: "queued",
    });
  });

  test("submit validates first", async () => {
    // @ts-expect-error prompt is required
    await expect(client().queue.submit({ model: testVideoModel })).rejects.toBeInstanceOf(InvalidInputError);
    expect(server.requests).toHaveLength(0);
  });

  test("result of an unfinished job (409) is a ProcessingError", async () => {
    server.route("GET /v1/jobs/q2/content", {
      status: 409,
      body: { detail: "still running", code: "JOB_NOT_COMPLETE" },
    });
    const error = await client()
      .queue.result("q2")
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(ProcessingError);
    expect(error).toMatchObject({ status: 409, code: "JOB_NOT_COMPLETE" });
  });

  test("cancel returns the new status, or undefined when the server has no cancel endpoint", async () => {
    server.route("POST /v1/jobs/q3/cancel", { body: { job_id: "q3", status: "cancelled" } });
    await expect(client().queue.cancel("q3")).resolves.toEqual({ job_id: "q3", status: "cancelled" });
    await expect(client().queue.cancel("nope")).resolves.toBeUndefined();
  });

  test("an unreadable status body is a ProcessingError", async () => {
    server.route("GET /v1/jobs/q4", { body: "<html>oops</html>", type: "text/html" });
    await expect(client().queue.status("q4")).rejects.toMatchObject({
      name: "ProcessingError",
      code: "UNREADABLE_RESPONSE",
    });
    server.route("GET /v1/jobs/q4", { body: { job_id: "q4", progress: 0.5 } });
    await expect(client().queue.status("q4")).rejects.toMatchObject({ code: "UNREADABLE_RESPONSE" });
  });

  test("a status the client does not know is reported as the server spelled it", async () => {
    server.route("GET /v1/jobs/q7", { body: { job_id: "q7", status: "queued" } });
    await expect(client().queue.status("q7")).resolves.toEqual({ job_id: "q7", status: "queued" });
  });

  test("submitAndPoll resolves completed with data, or failed with an error", async () => {
    server.route(
      "POST /v1/jobs/test-i2v",
      { body: { job_id: "q5", status: "pending" } },
      { body: { job_id: "q6", status: "pending" } },
    );
    server.route("GET /v1/jobs/q5", { body: { job_id: "q5", status: "completed" } });
    server.route("GET /v1/jobs/q5/content", { body: MP4, type: "video/mp4" });
    server.route("GET /v1/jobs/q6", {
      body: { job_id: "q6", status: "failed", error: { message: "out of memory" } },
    });
    const done = await client().queue.submitAndPoll({ model: testVideoModel, prompt: "x" });
    expect(done.status).toBe("completed");
    if (done.status === "completed") expect(done.data.type).toBe("video/mp4");
    const failed = await client().queue.submitAndPoll({ model: testVideoModel, prompt: "x" });
    expect(failed).toMatchObject({ status: "failed", jobId: "q6" });
    if (failed.status === "failed") {
      expect(failed.error).toBeInstanceOf(ProcessingError);
      expect(failed.error.message).toContain("out of memory");
    }
  });

  test("poll follows an existing job without submitting, and its abort leaves the job running", async () => {
    server.route(
      "GET /v1/jobs/q9",
      { body: { job_id: "q9", status: "pending" } },
      { body: { job_id: "q9", status: "processing", progress: 0.5 } },
      { body: { job_id: "q9", status: "completed" } },
    );
    server.route("GET /v1/jobs/q9/content", { body: MP4, type: "video/mp4" });
    const events: unknown[] = [];
    const outcome = await client().queue.poll("q9", { onProgress: (event) => events.push(event) });
    expect(outcome.status).toBe("completed");
    if (outcome.status === "completed") expect(outcome.data.type).toBe("video/mp4");
    expect(events).toEqual([
      { status: "pending", jobId: "q9" },
      { status: "processing", progress: 0.5, jobId: "q9" },
      { status: "completed", jobId: "q9" },
    ]);
    expect(server.requests.filter((request) => request.method === "POST")).toHaveLength(0);

    server.route("GET /v1/jobs/q10", { body: { job_id: "q10", status: "processing" } });
    const controller = new AbortController();
    const watching = client().queue.poll("q10", { signal: controller.signal });
    await expect.poll(() => server.requestsTo("GET /v1/jobs/q10").length).toBeGreaterThan(1);
    controller.abort();
    await expect(watching).rejects.toMatchObject({ name: "AbortError" });
    expect(server.requestsTo("POST /v1/jobs/q10/cancel")).toHaveLength(0);
  });

  test("poll of a job that failed resolves with its error", async () => {
    server.route("GET /v1/jobs/q11", { body: { job_id: "q11", status: "failed", error: "no GPU" } });
    const outcome = await client().queue.poll("q11");
    expect(outcome).toMatchObject({ status: "failed", jobId: "q11" });
    if (outcome.status === "failed") expect(outcome.error).toBeInstanceOf(ProcessingError);
  });

  test("submit sends an idempotencyKey as the Idempotency-Key header, not as an input", async () => {
    server.route("POST /v1/jobs/test-i2v", { body: { job_id: "q12", status: "pending" } });
    await client().queue.submit({ model: testVideoModel, prompt: "x", idempotencyKey: "item-7" });
    const [request] = server.requestsTo("POST /v1/jobs/test-i2v");
    expect(request?.headers["idempotency-key"]).toBe("item-7");
    expect(request?.form?.has("idempotencyKey")).toBe(false);
  });
});
