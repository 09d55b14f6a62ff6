import { type RedisServer, startRedisServer } from "@decart/test-server/redis";
import { UnrecoverableError, Worker } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { doneKey, extendPause, pauseKey, RedisUnreachableError } from "./connection";
import { createDecartQueue, type DecartQueue } from "./queue";
import { freshQueue } from "./test-support/index";

let redis: RedisServer;
const opened: DecartQueue[] = [];
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  for (const queue of opened) await queue.close();
  await redis.close();
});

function open(name: string) {
  const queue = createDecartQueue({ name, connection: redis.url });
  opened.push(queue);
  return queue;
}

function* prompts(count: number, from = 0) {
  for (let index = from; index < from + count; index++)
    yield { model: "lucy-pro-t2v", prompt: `item ${index}` };
}

describe("createDecartQueue", () => {
  it("adds each item once by key: the same list again adds nothing, and says so", async () => {
    const queue = open(freshQueue("add"));
    expect(await queue.add(prompts(25), { chunkSize: 7 })).toEqual({
      total: 25,
      added: 25,
      existing: 0,
      invalid: 0,
    });
    expect(await queue.add(prompts(30), { chunkSize: 7 })).toEqual({
      total: 30,
      added: 5,
      existing: 25,
      invalid: 0,
    });
    expect(await queue.queue.getWaitingCount()).toBe(30);
    const [job] = await queue.queue.getWaiting(0, 0);
    expect(job?.id).toBe(job?.data.key);
    expect(job?.data).toMatchObject({
      model: "lucy-pro-t2v",
      inputs: { prompt: expect.stringMatching(/^item /) },
    });
  });

  it("names each item's output once: a name another item holds becomes {name}-{key}, and stays so", async () => {
    const queue = open(freshQueue("names"));
    const items = [
      { model: "lucy-pro-v2v", prompt: "anime", data: "s3://clips/day1/a.mp4" },
      { model: "lucy-pro-v2v", prompt: "sketch", data: "s3://clips/day1/a.mp4" },
      { model: "lucy-pro-v2v", prompt: "anime", data: "s3://clips/day2/a.mp4" },
      { model: "lucy-pro-v2v", prompt: "anime", data: "s3://clips/b.mp4" },
    ];
    expect(await queue.add(items, { dryRun: true })).toMatchObject({ added: 4 });
    expect(await queue.add(items.slice(0, 2))).toMatchObject({ added: 2 });
    expect(await queue.add(items)).toMatchObject({ added: 2, existing: 2 });
    const jobs = await queue.queue.getWaiting();
    const names = new Map(jobs.map((job) => [`${job.data.inputs.prompt} ${job.data.inputs.data}`, job.data]));
    const first = names.get("anime s3://clips/day1/a.mp4");
    const second = names.get("sketch s3://clips/day1/a.mp4");
    const third = names.get("anime s3://clips/day2/a.mp4");
    expect(first?.name).toBe("a");
    expect(second?.name).toBe(`a-${second?.key}`);
    expect(third?.name).toBe(`a-${third?.key}`);
    expect(names.get("anime s3://clips/b.mp4")?.name).toBe("b");
    expect(new Set(jobs.map((job) => job.data.name)).size).toBe(4);
  });

  it("counts a repeated item within one chunk once", async () => {
    const queue = open(freshQueue("twice"));
    const item = { model: "lucy-pro-t2v", prompt: "same" };
    expect(await queue.add([item, item, { ...item }])).toMatchObject({ added: 1, existing: 2 });
  });

  it("a dry run checks and counts, and adds nothing", async () => {
    const queue = open(freshQueue("dry"));
    await queue.add(prompts(3));
    expect(await queue.add(prompts(5), { dryRun: true })).toMatchObject({ added: 2, existing: 3 });
    expect(await queue.queue.getWaitingCount()).toBe(3);
  });

  it("rejects at an invalid item, or skips it for onInvalid", async () => {
    const queue = open(freshQueue("invalid"));
    const items = [
      { model: "lucy-pro-t2v", prompt: "fine" },
      { model: "lucy-pro-i2v", prompt: "no data" },
    ];
    await expect(queue.add(items, { chunkSize: 10 })).rejects.toThrow(
      "Invalid inputs for lucy-pro-i2v: data is required",
    );
    expect(await queue.queue.getWaitingCount()).toBe(0);
    const invalid: number[] = [];
    const summary = await queue.add(items, { onInvalid: ({ index }) => invalid.push(index) });
    expect(summary).toEqual({ total: 2, added: 1, existing: 0, invalid: 1 });
    expect(invalid).toEqual([1]);
  });

  it("an item finished and trimmed from the history is still known, and listed in results()", async () => {
    const name = freshQueue("done");
    const queue = open(name);
    const [first] = [...prompts(1)];
    await queue.add([first as never]);
    const [job] = await queue.queue.getWaiting(0, 0);
    const key = job?.data.key as string;
    await queue.queue.obliterate({ force: true });
    const client = new Redis(redis.url);
    await client.hset(doneKey(name), key, "/out/item.mp4");
    await client.quit();
    expect(await queue.add([first as never])).toMatchObject({ added: 0, existing: 1 });
    const results = [];
    for await (const result of queue.results()) results.push(result);
    expect(results).toEqual([{ key, output: "/out/item.mp4" }]);
    expect((await queue.status()).completed).toBe(1);
  });

  it("streams a large source in bounded chunks", async () => {
    const queue = open(freshQueue("large"));
    let pulled = 0;
    let peakAhead = 0;
    async function* source() {
      for (const item of prompts(5_000)) {
        pulled++;
        const stored = await queue.queue.count();
        peakAhead = Math.max(peakAhead, pulled - stored);
        yield item;
      }
    }
    const summary = await queue.add(source(), { chunkSize: 250 });
    expect(summary.added).toBe(5_000);
    // Never more than one chunk read ahead of what Redis holds.
    expect(peakAhead).toBeLessThanOrEqual(251);
  });
  it("retryFailed puts every failed item back with its attempts reset, and counts them", async () => {
    const name = freshQueue("retry");
    const queue = createDecartQueue({ name, connection: redis.url, attempts: 2, backoff: 1 });
    opened.push(queue);
    await queue.add(prompts(4));
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    // The first try of each item fails and is retried; the second fails for good.
    const worker = new Worker(
      name,
      async (job) => {
        throw job.attemptsMade === 0 ? new Error("transient") : new UnrecoverableError("final");
      },
      { connection, concurrency: 4 },
    );
    try {
      await waitFor(async () => (await queue.queue.getFailedCount()) === 4);
    } finally {
      await worker.close();
      connection.disconnect();
    }
    const failed = await queue.queue.getFailed();
    expect(failed.map((job) => job.attemptsMade)).toEqual([2, 2, 2, 2]);
    expect(await queue.retryFailed()).toBe(4);
    expect(await queue.queue.getFailedCount()).toBe(0);
    const waiting = await queue.queue.getWaiting();
    expect(waiting.map((job) => [job.attemptsMade, job.failedReason ?? null])).toEqual(
      Array.from({ length: 4 }, () => [0, null]),
    );
    expect(await queue.retryFailed()).toBe(0);
  });
});

describe("an unreachable Redis", () => {
  it("fails add, status, retryFailed and results after the connect timeout, naming where, and closes", async () => {
    const queue = createDecartQueue({
      name: freshQueue("nowhere"),
      connection: "redis://127.0.0.1:1",
      connectTimeout: 300,
    });
    const started = Date.now();
    const calls: Array<() => Promise<unknown>> = [
      () => queue.add(prompts(1)),
      () => queue.status(),
      () => queue.retryFailed(),
      async () => {
        for await (const _ of queue.results()) break;
      },
    ];
    for (const call of calls) {
      const failure = await call().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(RedisUnreachableError);
      expect((failure as Error).message).toMatch(
        /^Cannot reach Redis at 127\.0\.0\.1:1 within 300 ms: .*ECONNREFUSED/,
      );
    }
    expect(Date.now() - started).toBeLessThan(5_000);
    await queue.close();
  });
});

describe("extendPause", () => {
  it("lengthens the fleet's pause and never shortens it", async () => {
    const name = freshQueue("pause");
    const client = new Redis(redis.url, { maxRetriesPerRequest: null });
    try {
      expect(await extendPause(client, name, 5_000)).toBe(5_000);
      // A later 429 with a shorter Retry-After leaves the longer pause in force, and says how long it is.
      const kept = await extendPause(client, name, 1_000);
      expect(kept).toBeGreaterThan(4_000);
      expect(await client.pttl(pauseKey(name))).toBeGreaterThan(4_000);
      expect(await extendPause(client, name, 9_000)).toBe(9_000);
      expect(await client.pttl(pauseKey(name))).toBeGreaterThan(8_000);
    } finally {
      client.disconnect();
    }
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("timed out waiting for the queue");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
