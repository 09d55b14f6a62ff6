import { describe, expect, test } from "vitest";
import { createDecartClient } from "../client/index";
import { testImageModel, testVideoModel, useTestClient } from "../test-support/index";

const { server, clientFor, routeJob } = useTestClient();

/** Resolves with `"next turn"` once the event loop has gone round once (after pending I/O callbacks). */
const nextTurn = () => new Promise<string>((resolve) => setImmediate(() => resolve("next turn")));

describe("abort", () => {
  test("mid-upload: rejects with AbortError before the next event-loop turn; the server sees the upload dropped", async () => {
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
    controller.abort();
    // The server never answers; the rejection must not wait for any I/O, only for promise callbacks.
    const error = await Promise.race([pending.catch((caught) => caught), nextTurn()]);
    expect(error).toBeInstanceOf(DOMException);
    expect(error.name).toBe("AbortError");
    // undici drops the half-sent upload a little later; the caller was released at once.
    await expect.poll(() => request.aborted, { timeout: 5_000 }).toBe(true);
  });

  test("mid-poll: rejects, stops polling, then cancels the job", async () => {
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
    expect(error).toBe(reason);
    const cancel = await server.waitFor((request) => request.path === "/v1/jobs/job-abort/cancel");
    expect(cancel.headers["x-api-key"]).toBe("k");
    const polls = server.requestsTo("GET /v1/jobs/job-abort").length;
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(server.requestsTo("GET /v1/jobs/job-abort").length).toBe(polls);
    // The cancel follows every poll: none was sent once the call was aborted.
    for (const poll of server.requestsTo("GET /v1/jobs/job-abort")) {
      expect(poll.receivedAt).toBeLessThanOrEqual(cancel.receivedAt);
    }
  });

  test("during job submission: rejects while the server still holds its answer, then cancels the job the late answer names", async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    server.route("POST /v1/jobs/test-i2v", async () => {
      await held;
      return { body: { job_id: "job-late", status: "pending" } };
    });
    server.route("POST /v1/jobs/job-late/cancel", { body: { job_id: "job-late", status: "cancelled" } });
    const controller = new AbortController();
    const pending = clientFor().process({ model: testVideoModel, prompt: "x", signal: controller.signal });
    await server.waitFor((request) => request.path === "/v1/jobs/test-i2v");
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
    // Only now does the server answer, naming the job the aborted call created.
    release();
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
