import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { createDecartClient } from "../client/index";
import { startJobServer, testImageModel, testVideoModel } from "../test-support/index";
import { createBatch } from "./batch";
import { batchItemKey, itemKey } from "./batch-key";
import type { BatchEvent, BatchItem, BatchOutcome } from "./batch-types";
import { ConcurrencyLimiter } from "./concurrency";

let server: Awaited<ReturnType<typeof startJobServer>>;
beforeAll(async () => {
  server = await startJobServer();
});
afterAll(() => server.close());

const client = () =>
  createDecartClient({
    apiKey: "k",
    baseUrl: server.url,
    polling: { initialDelay: 0, interval: 5, maxInterval: 5 },
    retry: 0,
  });

const items = (prompts: string[]): BatchItem[] =>
  prompts.map((prompt) => ({ model: testVideoModel, prompt }));

async function collect(iterable: AsyncIterable<BatchOutcome>): Promise<BatchOutcome[]> {
  const outcomes: BatchOutcome[] = [];
  for await (const outcome of iterable) outcomes.push(outcome);
  return outcomes;
}

describe("createBatch", () => {
  test("every item settles once, failures do not fail the batch, invalid inputs are failed outcomes", async () => {
    const prompts = Array.from({ length: 30 }, (_, index) => (index % 10 === 3 ? "fail" : `p${index}`));
    const source = [...items(prompts), { model: testVideoModel } as unknown as BatchItem];
    const batch = createBatch(client(), source, { concurrency: 5 });
    const outcomes = await collect(batch);
    const summary = await batch.done;
    expect(outcomes.map((outcome) => outcome.index).sort((a, b) => a - b)).toEqual([...Array(31).keys()]);
    expect(summary).toMatchObject({ total: 31, completed: 27, failed: 4, cancelled: 0 });
    const invalid = outcomes.find((outcome) => outcome.index === 30);
    expect(invalid).toMatchObject({ status: "failed", error: { code: "INVALID_INPUT" } });
    expect(invalid?.jobId).toBeUndefined();
    const completed = outcomes.find((outcome) => outcome.index === 0);
    expect(completed?.status).toBe("completed");
    expect(completed?.data?.type).toBe("video/mp4");
    expect(completed?.jobId).toMatch(/^job_/);
    expect(completed?.key).toBe(await batchItemKey({ model: testVideoModel, prompt: "p0" }));
  });

  test("reads a lazy source with a bounded look-ahead and never exceeds the concurrency", async () => {
    let read = 0;
    let maxAhead = 0;
    let settled = 0;
    async function* source() {
      for (let index = 0; index < 40; index++) {
        read++;
        maxAhead = Math.max(maxAhead, read - settled);
        yield { model: testVideoModel, prompt: `lazy${index}`, key: `k${index}` } as BatchItem;
      }
    }
    const peak = server.counters.inFlightPeak;
    server.counters.inFlightPeak = 0;
    const batch = createBatch(client(), source(), { concurrency: 3 });
    let running = 0;
    batch.subscribe((event, snapshot) => {
      running = Math.max(running, snapshot.running);
      if (event.type === "outcome") settled++;
    });
    const summary = await batch.done;
    expect(summary.completed).toBe(40);
    expect(running).toBeLessThanOrEqual(3);
    // Running (3) plus the look-ahead (3) plus the one being read.
    expect(maxAhead).toBeLessThanOrEqual(7);
    server.counters.inFlightPeak = Math.max(peak, server.counters.inFlightPeak);
  });

  test("a 429 re-queues the item, halves the concurrency, waits Retry-After and grows back", async () => {
    server.controls.refuse = { count: 3, retryAfter: "0" };
    const events: BatchEvent[] = [];
    const batch = createBatch(client(), items(Array.from({ length: 40 }, (_, index) => `rl${index}`)), {
      concurrency: 8,
    });
    const concurrency: number[] = [];
    batch.subscribe((event, snapshot) => {
      events.push(event);
      concurrency.push(snapshot.concurrency);
    });
    const summary = await batch.done;
    expect(summary).toMatchObject({ total: 40, completed: 40, failed: 0, retries: 3 });
    expect(summary.rateLimitWaits).toBeGreaterThanOrEqual(1);
    expect(events.filter((event) => event.type === "rate-limited")).toHaveLength(3);
    expect(Math.min(...concurrency)).toBeLessThan(8);
    expect(concurrency.at(-1)).toBe(8);
    const jobs = [...server.jobs.values()].filter((job) => job.prompt.startsWith("rl"));
    expect(new Set(jobs.map((job) => job.prompt)).size).toBe(40);
    expect(jobs).toHaveLength(40);
  });

  test("the signal cancels every job in flight on the server and settles the rest as cancelled", async () => {
    const controller = new AbortController();
    const source = items([
      ...Array(6).fill("hold"),
      ...Array.from({ length: 20 }, (_, index) => `after${index}`),
    ]);
    const batch = createBatch(client(), source, { concurrency: 4, signal: controller.signal });
    let submitted = 0;
    batch.subscribe((event) => {
      if (event.type === "submitted" && ++submitted === 4) controller.abort();
    });
    const summary = await batch.done;
    expect(summary.completed).toBe(0);
    expect(summary.cancelled).toBe(summary.total);
    const held = [...server.jobs.values()].filter((job) => job.prompt === "hold");
    expect(held).toHaveLength(4);
    expect(held.every((job) => job.status === "cancelled")).toBe(true);
    expect([...server.jobs.values()].some((job) => job.prompt.startsWith("after"))).toBe(false);
  });

  test("an item whose onProgress throws fails with its error as the cause and its job is cancelled on the server", async () => {
    const broken = new Error("listener bug");
    const item = {
      model: testVideoModel,
      prompt: "hold",
      key: "throws",
      onProgress: () => {
        throw broken;
      },
    } as BatchItem;
    const [outcome] = await collect(createBatch(client(), [item]));
    expect(outcome?.status).toBe("failed");
    expect(outcome?.error?.cause).toBe(broken);
    const job = server.jobs.get(outcome?.jobId ?? "");
    await vi.waitFor(() => expect(job?.status).toBe("cancelled"));
  });

  test("an item with a wrong control fails before anything is sent", async () => {
    const before = server.jobs.size;
    const item = { model: testVideoModel, prompt: "p", onProgress: "log" } as unknown as BatchItem;
    const [outcome] = await collect(createBatch(client(), [item]));
    expect(outcome).toMatchObject({ status: "failed", error: { code: "INVALID_INPUT" } });
    expect(outcome?.error?.message).toMatch(/onProgress must be a function/);
    expect(server.jobs.size).toBe(before);
  });

  test("an item with a jobId is polled, not submitted again; one with an idempotencyKey finds its job", async () => {
    const first = await collect(createBatch(client(), items(["resume-me"])));
    const jobId = first[0]?.jobId as string;
    const submits = server.counters.submits;
    const again = await collect(
      createBatch(client(), [{ model: testVideoModel, prompt: "resume-me", jobId }]),
    );
    expect(again[0]).toMatchObject({ status: "completed", jobId });
    expect(server.counters.submits).toBe(submits);

    let idempotencyKey = "";
    const batch = createBatch(client(), items(["keyed"]));
    batch.subscribe((event) => {
      if (event.type === "submitting") idempotencyKey = event.idempotencyKey;
    });
    const [keyed] = await collect(batch);
    const [rerun] = await collect(
      createBatch(client(), [{ model: testVideoModel, prompt: "keyed", idempotencyKey }]),
    );
    expect(rerun?.jobId).toBe(keyed?.jobId);
  });

  test("beforeSubmit runs before each new submission, which waits for it; when it rejects nothing is sent", async () => {
    const seen: string[] = [];
    let release = () => {};
    const batch = createBatch(client(), [{ model: testVideoModel, prompt: "gated", key: "gated" }], {
      beforeSubmit: (submission) => {
        seen.push(`${submission.index} ${submission.key} ${submission.idempotencyKey.length > 0}`);
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      },
    });
    const events: string[] = [];
    batch.subscribe((event) => void events.push(event.type));
    const submits = server.counters.submits;
    await vi.waitFor(() => expect(seen).toEqual(["0 gated true"]));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(server.counters.submits).toBe(submits);
    expect(events).toEqual(["started", "submitting"]);
    release();
    const [outcome] = await collect(batch);
    expect(outcome?.status).toBe("completed");
    expect(server.counters.submits).toBe(submits + 1);

    const refused = new Error("journal full");
    const [failed] = await collect(
      createBatch(client(), items(["never sent"]), {
        beforeSubmit: () => Promise.reject(refused),
      }),
    );
    expect(failed?.status).toBe("failed");
    expect(failed?.error?.message).toMatch(/journal full/);
    expect(server.counters.submits).toBe(submits + 1);
  });

  test("image models run on the sync endpoint, with no job", async () => {
    const submits = server.counters.submits;
    const outcomes = await collect(
      createBatch(client(), [
        { model: testImageModel, prompt: "still one" },
        { model: testImageModel, prompt: "still two" },
      ]),
    );
    expect(outcomes.map((outcome) => [outcome.status, outcome.data?.type, outcome.jobId])).toEqual([
      ["completed", "image/png", undefined],
      ["completed", "image/png", undefined],
    ]);
    expect(server.counters.submits).toBe(submits);
  });

  test("leaving a for-await loop early cancels the batch", async () => {
    const batch = createBatch(client(), items(Array.from({ length: 50 }, (_, index) => `early${index}`)), {
      concurrency: 2,
    });
    for await (const outcome of batch) {
      expect(outcome.status).toBe("completed");
      break;
    }
    const summary = await batch.done;
    expect(summary.completed + summary.cancelled).toBe(summary.total);
    expect(summary.total).toBeLessThan(50);
  });

  test("a source that throws rejects done and the loop, after cancelling what was in flight", async () => {
    function* source(): Generator<BatchItem<typeof testVideoModel>> {
      yield { model: testVideoModel, prompt: "hold" };
      throw new Error("bad source");
    }
    const batch = createBatch(client(), source());
    await expect(collect(batch)).rejects.toThrow("bad source");
    await expect(batch.done).rejects.toThrow("bad source");
  });

  test("an already aborted signal, or cancel() before the start, settles at once with nothing sent", async () => {
    const submits = server.counters.submits;
    const aborted = createBatch(client(), items(["never"]), { signal: AbortSignal.abort() });
    await expect(aborted.done).resolves.toMatchObject({ total: 0, completed: 0 });
    const cancelled = createBatch(client(), items(["never", "never"]));
    cancelled.cancel();
    expect(await collect(cancelled)).toEqual([]);
    expect(server.counters.submits).toBe(submits);
  });

  test("rejects a bad concurrency at once", () => {
    expect(() => createBatch(client(), [], { concurrency: 0 })).toThrow(TypeError);
  });
});

describe("batchItemKey", () => {
  test("stable for equal inputs, different for different inputs or files", async () => {
    const a = await batchItemKey({ model: testVideoModel, prompt: "x", seed: 1, data: new Blob(["abc"]) });
    const b = await batchItemKey({ seed: 1, prompt: "x", data: new Blob(["abc"]), model: testVideoModel });
    const c = await batchItemKey({ model: testVideoModel, prompt: "x", seed: 1, data: new Blob(["abd"]) });
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    expect(await batchItemKey({ model: testVideoModel, prompt: "x", signal: AbortSignal.abort() })).toBe(
      await batchItemKey({ model: testVideoModel, prompt: "x" }),
    );
  });

  test("the same keys in every version (journals and shards outlive an upgrade), at once for inputs without files", async () => {
    const model = { name: "lucy-pro-t2v" };
    const plain = { model, prompt: "A red kite" };
    expect(itemKey(plain)).toBe("070ede38d3dd7419");
    const mixed = {
      model,
      prompt: "Ünïcode 漢字 😀 \uD800",
      trajectory: [{ frame: 0, x: 1.5 }],
      data: new Blob(["abc"], { type: "video/mp4" }),
    };
    expect(itemKey(mixed)).toBeInstanceOf(Promise);
    expect(await batchItemKey(mixed)).toBe("08b8ade66a194ebc");
  });
});

describe("ConcurrencyLimiter", () => {
  test("halves once per round of 429s and grows one step per streak", () => {
    const limiter = new ConcurrencyLimiter(8);
    const epoch = limiter.epoch;
    expect(limiter.onRateLimit(epoch)).toBe(true);
    expect(limiter.onRateLimit(epoch)).toBe(false);
    expect(limiter.limit).toBe(4);
    limiter.onRateLimit(limiter.epoch);
    limiter.onRateLimit(limiter.epoch);
    limiter.onRateLimit(limiter.epoch);
    expect(limiter.limit).toBe(1);
    limiter.onSuccess();
    expect(limiter.limit).toBe(2);
    limiter.onSuccess();
    expect(limiter.limit).toBe(2);
    limiter.onSuccess();
    expect(limiter.limit).toBe(3);
  });
});
