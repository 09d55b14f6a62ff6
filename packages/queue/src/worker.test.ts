import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createDecartClient } from "@decart/core";
import { decodePng, decodeVideo } from "@decart/test-media";
import type { Job } from "bullmq";
import { afterEach, describe, expect, it } from "vitest";
import type { DecartJobData } from "./items";
import { createDecartQueue, type DecartQueue } from "./queue";
import { freshQueue, useFleet } from "./test-support/index";
import { type DecartWorker, startDecartWorker, type WorkerEvent } from "./worker";

const fleet = useFleet();
const running: Array<DecartWorker | DecartQueue> = [];
afterEach(async () => {
  for (const each of running.splice(0)) await each.close();
});

function setUp(label: string, workerOptions: Partial<Parameters<typeof startDecartWorker>[0]> = {}) {
  const name = freshQueue(label);
  const out = join(fleet.folder, name);
  const queue = createDecartQueue({ name, connection: fleet.redis.url, attempts: 3, backoff: 50 });
  running.push(queue);
  const events: WorkerEvent[] = [];
  const start = (extra: Partial<Parameters<typeof startDecartWorker>[0]> = {}) => {
    const worker = startDecartWorker({
      name,
      connection: fleet.redis.url,
      client: fleet.client(),
      output: out,
      concurrency: 4,
      onEvent: (event) => events.push(event),
      ...workerOptions,
      ...extra,
    });
    running.push(worker);
    return worker;
  };
  const settled = async (count: number) => {
    await expect
      .poll(
        async () => {
          const status = await queue.status();
          return status.completed + status.failed;
        },
        { timeout: 60_000 },
      )
      .toBe(count);
    return queue.status();
  };
  return { name, out, queue, events, start, settled };
}

const submissionsFor = (prompt: string) => fleet.proxy.submissions.filter((each) => each.prompt === prompt);

describe("startDecartWorker", () => {
  it("runs video and image items, stores decodable results, and keeps where they went", async () => {
    const { queue, start, settled, out } = setUp("basic");
    await queue.add([
      { model: "lucy-pro-t2v", prompt: "basic video", name: "lake" },
      { model: "lucy-pro-t2i", prompt: "basic image", name: "city" },
    ]);
    const worker = start();
    const completed: Job<DecartJobData>[] = [];
    worker.worker.on("completed", (job) => completed.push(job));
    expect(await settled(2)).toMatchObject({ completed: 2, failed: 0, waiting: 0, active: 0 });
    expect(await decodeVideo(join(out, "lake.mp4"))).toMatchObject({ codec: "h264", width: 64, frames: 5 });
    expect(decodePng(join(out, "city.png"))).toMatchObject({ width: 64, height: 64 });
    await expect.poll(() => completed.length).toBe(2);
    const video = completed.find((job) => job.data.name === "lake");
    expect(video?.returnvalue).toEqual({
      key: video?.data.key,
      output: join(out, "lake.mp4"),
      decartJobId: expect.any(String),
      bytes: expect.any(Number),
    });
    expect(video?.returnvalue.decartJobId).not.toBe("");
    const results = [];
    for await (const result of queue.results()) results.push(result.output);
    expect(results.sort()).toEqual([join(out, "city.png"), join(out, "lake.mp4")]);
  });

  it("records the Decart job id on the queue job before it polls", async () => {
    const { queue, start, settled, events } = setUp("record");
    await queue.add([{ model: "lucy-pro-t2v", prompt: "record hold" }]);
    start();
    await expect.poll(() => events.some((event) => event.type === "submitted")).toBe(true);
    const [job] = await queue.queue.getActive();
    const submitted = events.find((event) => event.type === "submitted");
    expect(job?.data.decartJobId).toBe(
      submitted && "decartJobId" in submitted ? submitted.decartJobId : "none",
    );
    // Still running: the engine holds every "hold" render until released.
    expect((await queue.status()).completed).toBe(0);
    fleet.engine.hold.release();
    await settled(1);
    fleet.engine.hold.enabled = true;
  });

  it("fails refused inputs at once, without a retry, and the other items still complete", async () => {
    const { queue, start, settled } = setUp("refused");
    const broken = join(fleet.folder, "broken.png");
    writeFileSync(broken, "this is not an image");
    await queue.add([
      { model: "lucy-pro-i2v", prompt: "refused one", data: broken },
      { model: "lucy-pro-t2v", prompt: "refused sibling 1" },
      { model: "lucy-pro-t2v", prompt: "refused sibling 2" },
    ]);
    start();
    const status = await settled(3);
    expect(status).toMatchObject({ completed: 2, failed: 1 });
    const [failure] = status.failures;
    expect(failure).toMatchObject({
      model: "lucy-pro-i2v",
      attempts: 1,
      error: { name: "InvalidInputError", final: true },
    });
    expect(failure?.error?.status).toBeGreaterThanOrEqual(400);
    expect(failure?.error?.status).toBeLessThan(500);
    expect(failure?.message).toMatch(/^InvalidInputError 4\d\d/);
    expect(submissionsFor("refused one")).toHaveLength(1);
  });

  it("with a key the API refuses, puts its items back untouched and stops; a worker with a good key runs them", async () => {
    const { queue, start, settled, events } = setUp("badkey");
    await queue.add(
      Array.from({ length: 3 }, (_, index) => ({ model: "lucy-pro-t2v", prompt: `badkey ${index}` })),
    );
    const refused = start({
      client: createDecartClient({
        apiKey: "wrong-key",
        baseUrl: fleet.proxy.url,
        retry: { rateLimited: false },
      }),
    });
    await expect
      .poll(() => events.filter((event) => event.type === "key-rejected").length)
      .toBeGreaterThan(0);
    await refused.close();
    expect(refused.worker.isRunning()).toBe(false);
    const status = await queue.status();
    expect(status).toMatchObject({ waiting: 3, failed: 0, completed: 0 });
    const waiting = await queue.queue.getWaiting();
    expect(waiting.map((job) => [job.attemptsMade, job.data.error ?? null])).toEqual([
      [0, null],
      [0, null],
      [0, null],
    ]);
    expect(events.find((event) => event.type === "key-rejected")).toMatchObject({
      message: expect.stringMatching(/^InvalidAPIKeyError 401/),
    });
    start();
    expect(await settled(3)).toMatchObject({ completed: 3, failed: 0 });
  });

  it("retries a job that failed on the server with a fresh submission, and keeps the last error when out of attempts", async () => {
    const { queue, start, settled } = setUp("flaky");
    fleet.engine.failures.set("flaky once", 1);
    fleet.engine.failures.set("flaky always", 99);
    await queue.add([
      { model: "lucy-pro-t2v", prompt: "flaky once" },
      { model: "lucy-pro-t2v", prompt: "flaky always" },
    ]);
    start();
    const status = await settled(2);
    expect(status).toMatchObject({ completed: 1, failed: 1 });
    expect(fleet.proxy.jobsByPrompt.get("flaky once")?.size).toBe(2);
    expect(fleet.proxy.jobsByPrompt.get("flaky always")?.size).toBe(3);
    expect(status.failures[0]).toMatchObject({
      attempts: 3,
      error: { name: "ProcessingError", code: "JOB_FAILED", final: false },
    });
    fleet.engine.failures.clear();
  });

  it("on close past the grace period puts the item back with its job id; the next worker polls it, not resubmits", async () => {
    const { queue, start, settled, events } = setUp("grace");
    await queue.add([{ model: "lucy-pro-t2v", prompt: "grace hold" }]);
    const first = start({ gracePeriod: 200 });
    await expect.poll(() => events.some((event) => event.type === "submitted")).toBe(true);
    await first.close();
    expect(events.map((event) => event.type)).toContain("returned");
    const [waiting] = await queue.queue.getWaiting();
    expect(waiting?.data.decartJobId).toEqual(expect.any(String));
    expect(await queue.queue.getActiveCount()).toBe(0);
    fleet.engine.hold.release();
    start();
    await settled(1);
    expect(events.filter((event) => event.type === "resumed")).toHaveLength(1);
    expect(submissionsFor("grace hold")).toHaveLength(1);
    fleet.engine.hold.enabled = true;
  });

  it("on close within the grace period lets the items in flight finish", async () => {
    const { queue, start, events } = setUp("finish");
    await queue.add([{ model: "lucy-pro-t2v", prompt: "finish hold" }]);
    const worker = start({ gracePeriod: 30_000 });
    await expect.poll(() => events.some((event) => event.type === "submitted")).toBe(true);
    const closed = worker.close();
    setTimeout(() => fleet.engine.hold.release(), 300);
    await closed;
    expect((await queue.status()).completed).toBe(1);
    expect(events.map((event) => event.type)).not.toContain("returned");
    fleet.engine.hold.enabled = true;
  });
});
