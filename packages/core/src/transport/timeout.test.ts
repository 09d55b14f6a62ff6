import { describe, expect, test } from "vitest";
import { TimeoutError } from "../errors/index";
import { PNG, testImageModel, testVideoModel, useTestClient } from "../test-support/index";

const { server, clientFor, routeJob } = useTestClient();

describe("timeouts", () => {
  test("a slow response is a TimeoutError: the client's timer gives up while the server still holds", async () => {
    // The server answers only once the test releases it, which happens after the client has given up.
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    server.route("POST /v1/generate/test-t2i", async () => {
      await held;
      return { body: PNG, type: "image/png" };
    });
    try {
      const started = performance.now();
      const error = await clientFor({ timeout: 100 })
        .process({ model: testImageModel, prompt: "x" })
        .catch((caught) => caught);
      const rejectedAt = performance.now();
      expect(error).toBeInstanceOf(TimeoutError);
      // The configured timeout is a lower bound (1 ms of slack for timer rounding).
      expect(rejectedAt - started).toBeGreaterThanOrEqual(99);
      // The server observes the client's disconnect while it is still holding its answer.
      const [request] = server.requestsTo("POST /v1/generate/test-t2i");
      await expect.poll(() => request?.aborted, { timeout: 20_000 }).toBe(true);
    } finally {
      release();
    }
  });

  test("a download that stalls mid-body is a TimeoutError before the rest of the body is sent", async () => {
    server.route("POST /v1/generate/test-t2i", {
      body: new Uint8Array(64 * 1024),
      type: "image/png",
      // The rest would come far later than any test runs; the server drops it when the client leaves.
      pauseMidBody: 600_000,
    });
    const started = performance.now();
    const error = await clientFor({ timeout: 150 })
      .process({ model: testImageModel, prompt: "x" })
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(performance.now() - started).toBeGreaterThanOrEqual(149);
    const [request] = server.requestsTo("POST /v1/generate/test-t2i");
    await expect.poll(() => request?.aborted, { timeout: 20_000 }).toBe(true);
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
