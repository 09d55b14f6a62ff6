import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BatchItem, createBatch, createDecartClient } from "@decart/core";
import { type Emulator, startEmulator } from "@decart/emulator";
import { models } from "@decart/models";
import { createFastEngine } from "@decart/test-media/fast-engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// 10,000 items run in bench/batch.mjs (`node bench/run.mjs batch`); here a count that keeps CI short.
const count = 500;
const concurrency = 64;
let folder: string;
let fast: Awaited<ReturnType<typeof createFastEngine>>;
let emulator: Emulator;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), "decart-batch-scale-"));
  fast = await createFastEngine(folder);
  emulator = await startEmulator({
    engine: fast.engine,
    limits: { maxConcurrentJobs: 128, maxQueuedJobs: 10_000, workDir: folder },
  });
});
afterAll(async () => {
  await emulator?.close();
  rmSync(folder, { recursive: true, force: true });
});

const model = models.video("lucy-pro-t2v");

function* prompts(total: number, prefix: string): Generator<BatchItem<typeof model>> {
  for (let index = 0; index < total; index++) yield { model, prompt: `${prefix} ${index}` };
}

describe("createBatch at scale", () => {
  it(`${count} items at concurrency ${concurrency}: none lost, none duplicated, outcomes not kept`, async () => {
    const client = createDecartClient({
      apiKey: emulator.apiKey,
      baseUrl: emulator.url,
      polling: { initialDelay: 5, interval: 20, maxInterval: 50 },
    });
    const renders = fast.renders();
    const seen = new Uint8Array(count);
    const jobs = new Set<string>();
    let peakRunning = 0;
    const batch = createBatch(client, prompts(count, "scale"), { concurrency });
    batch.subscribe((_event, snapshot) => {
      peakRunning = Math.max(peakRunning, snapshot.running);
    });
    const rss: number[] = [];
    for await (const outcome of batch) {
      expect(outcome.status).toBe("completed");
      expect(outcome.data?.type).toBe("video/mp4");
      seen[outcome.index] = (seen[outcome.index] as number) + 1;
      jobs.add(outcome.jobId as string);
      if ((outcome.index + 1) % 250 === 0) rss.push(process.memoryUsage.rss());
    }
    const summary = await batch.done;
    expect(summary).toMatchObject({ total: count, completed: count, failed: 0, cancelled: 0 });
    expect([...seen].every((times) => times === 1)).toBe(true);
    expect(jobs.size).toBe(count);
    expect(fast.renders() - renders).toBe(count);
    expect(peakRunning).toBe(concurrency);
    console.log(
      `${count} items: ${summary.wallTimeMs} ms, RSS every 250 items ${rss.map((bytes) => `${(bytes / 2 ** 20).toFixed(0)} MiB`).join(", ")}`,
    );
  }, 120_000);

  it("a rate-limited server: concurrency backs off and grows back, and no item fails for a 429", async () => {
    const busy = await startEmulator({
      engine: {
        async render(request) {
          // Long enough that 16 clients fill the queue of 2 + 4.
          await new Promise((resolve) => setTimeout(resolve, 40));
          return fast.engine.render(request);
        },
      },
      limits: { maxConcurrentJobs: 2, maxQueuedJobs: 4, workDir: folder },
    });
    try {
      const client = createDecartClient({ apiKey: busy.apiKey, baseUrl: busy.url, retry: 0 });
      const limits: number[] = [];
      const batch = createBatch(client, prompts(30, "busy"), { concurrency: 16 });
      batch.subscribe((event, snapshot) => {
        if (event.type === "rate-limited" || event.type === "outcome") limits.push(snapshot.concurrency);
      });
      const summary = await batch.done;
      expect(summary).toMatchObject({ total: 30, completed: 30, failed: 0 });
      expect(summary.retries).toBeGreaterThan(0);
      expect(summary.rateLimitWaits).toBeGreaterThan(0);
      const lowest = Math.min(...limits);
      expect(lowest).toBeLessThan(16);
      // After its lowest point the limit climbed again.
      expect(Math.max(...limits.slice(limits.indexOf(lowest)))).toBeGreaterThan(lowest);
      console.log(
        `rate-limited: ${summary.retries} re-queued after 429, ${summary.rateLimitWaits} waits (${summary.rateLimitWaitMs} ms), concurrency ${limits.join(" ")}`,
      );
    } finally {
      await busy.close();
    }
  }, 60_000);
});
