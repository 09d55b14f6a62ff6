import { spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDecartClient } from "@decart/core";
import { type Emulator, startEmulator } from "@decart/emulator";
import { models } from "@decart/models";
import { decodeVideo } from "@decart/test-media";
import { createFastEngine } from "@decart/test-media/fast-engine";
import { startCountingProxy } from "@decart/test-server/counting-proxy";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { bundleForNode } from "../test-support/index";
import { BatchJournal } from "./journal";
import { type NodeBatchOutcome, runBatch } from "./run-batch";

let folder: string;
let emulator: Emulator;
let proxy: Awaited<ReturnType<typeof startCountingProxy>>;
let child: string;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), "decart-batch-"));
  const [{ engine }, bundled] = await Promise.all([
    createFastEngine(folder),
    bundleForNode("src/test-support/batch-child.ts", "batch-child"),
  ]);
  child = bundled;
  emulator = await startEmulator({ engine, limits: { maxConcurrentJobs: 8, maxQueuedJobs: 1_000 } });
  proxy = await startCountingProxy(emulator.url);
});
afterAll(async () => {
  await proxy?.close();
  await emulator?.close();
  rmSync(folder, { recursive: true, force: true });
});

const client = () =>
  createDecartClient({
    apiKey: emulator.apiKey,
    baseUrl: proxy.url,
    polling: { initialDelay: 0, interval: 10, maxInterval: 20 },
  });
const t2v = models.video("lucy-pro-t2v");

describe("BatchJournal", () => {
  it("ignores a torn last line and starts the next record on a line of its own", async () => {
    const path = join(folder, "torn.journal");
    writeFileSync(path, `${JSON.stringify({ event: "submitted", key: "a", jobId: "j1" })}\n{"event":"compl`);
    const journal = BatchJournal.open(path);
    expect(journal.get("a")).toEqual({ status: "submitted", jobId: "j1" });
    journal.append({ event: "completed", key: "a", jobId: "j1", file: "/x" });
    await journal.close();
    expect(BatchJournal.open(path).get("a")).toEqual({ status: "completed", jobId: "j1", file: "/x" });
    expect(readFileSync(path, "utf8").split("\n").filter(Boolean)).toHaveLength(3);
  });

  it("writes each record at once, tells when all are on disk, and refuses records once closed", async () => {
    const path = join(folder, "flushed", "many.journal");
    const journal = BatchJournal.open(path);
    for (let index = 0; index < 50; index++)
      journal.append({ event: "submitting", key: `k${index}`, idempotencyKey: `i${index}` });
    // On the file before any flush: a process killed now keeps them.
    expect(readFileSync(path, "utf8").split("\n").filter(Boolean)).toHaveLength(50);
    await journal.flushed();
    journal.append({ event: "submitted", key: "k0", jobId: "j0" });
    await Promise.all([journal.flushed(), journal.flushed()]);
    await journal.close();
    expect(() => journal.append({ event: "cancelled", key: "k1" })).toThrow(/is closed/);
    expect(BatchJournal.open(path).get("k0")).toEqual({
      status: "submitted",
      idempotencyKey: "i0",
      jobId: "j0",
    });
  });
});

describe("runBatch", () => {
  it("saves through the template, and a rerun skips completed items and failed ones unless asked", async () => {
    const out = join(folder, "templated");
    const journal = join(out, "batch.journal");
    const items = () => [
      { model: t2v, prompt: "templated one", name: "one" },
      { model: t2v, prompt: "templated two", key: "second" },
      { model: t2v, prompt: "" },
    ];
    const outcomes: NodeBatchOutcome[] = [];
    const first = await runBatch(client(), items(), {
      journal,
      saveTo: join(out, "{index}-{name}.{ext}"),
      onOutcome: (outcome) => void outcomes.push(outcome),
    });
    expect(first).toMatchObject({ total: 3, completed: 2, failed: 1, skipped: 0 });
    expect(readdirSync(out).sort()).toEqual(["0-one.mp4", "1-second.mp4", "batch.journal"]);
    const video = await decodeVideo(join(out, "0-one.mp4"));
    expect(video.width).toBe(64);
    expect(outcomes.find((outcome) => outcome.index === 2)?.error?.code).toBe("INVALID_INPUT");

    const submissions = proxy.counts.submissions;
    const second = await runBatch(client(), items(), { journal, saveTo: join(out, "{index}-{name}.{ext}") });
    expect(second).toMatchObject({ total: 3, completed: 2, failed: 1, skipped: 3 });
    expect(proxy.counts.submissions).toBe(submissions);

    rmSync(join(out, "1-second.mp4"));
    const third = await runBatch(client(), items(), {
      journal,
      saveTo: join(out, "{index}-{name}.{ext}"),
      retryFailed: true,
    });
    // The missing file is fetched again from its job (no new submission); the failed item is retried.
    expect(third).toMatchObject({ total: 3, completed: 2, failed: 1, skipped: 1 });
    expect(existsSync(join(out, "1-second.mp4"))).toBe(true);
    expect(proxy.jobsByPrompt.get("templated two")?.size).toBe(1);
  });

  it("saves items that share a name as {name}-{key}, and counts a result it could not save as failed", async () => {
    const out = join(folder, "shared-names");
    mkdirSync(join(out, "blocked.mp4"), { recursive: true });
    const items = [
      { model: t2v, prompt: "names one", name: "clip" },
      { model: t2v, prompt: "names two", name: "clip", key: "two" },
      { model: t2v, prompt: "names three", name: "blocked" },
    ];
    const summary = await runBatch(client(), items, { saveTo: join(out, "{name}.{ext}") });
    expect(summary).toMatchObject({ total: 3, completed: 2, failed: 1 });
    expect(readdirSync(out).sort()).toEqual(["blocked.mp4", "clip-two.mp4", "clip.mp4"]);
  });

  it("resumed after an interruption, polls a job the server kept running instead of submitting it again", async () => {
    // A server without the cancel extension, as the real API: the interrupted run's cancel is a 404.
    mkdirSync(join(folder, "held-engine"));
    const held = await createFastEngine(join(folder, "held-engine"));
    const strict = await startEmulator({ engine: held.engine, extensions: false });
    const counting = await startCountingProxy(strict.url);
    try {
      const strictClient = createDecartClient({
        apiKey: strict.apiKey,
        baseUrl: counting.url,
        polling: { initialDelay: 0, interval: 10, maxInterval: 20 },
      });
      const out = join(folder, "interrupted");
      const journal = join(out, "batch.journal");
      const items = () => [{ model: t2v, prompt: "hold interrupted", name: "kept" }];
      const controller = new AbortController();
      const first = await runBatch(strictClient, items(), {
        journal,
        saveTo: join(out, "{name}.{ext}"),
        signal: controller.signal,
        onEvent: (event) => {
          if (event.type === "submitted") controller.abort(new Error("Ctrl-C"));
        },
      });
      expect(first).toMatchObject({ total: 1, completed: 0 });
      expect(counting.counts.submissions).toBe(1);
      held.hold.release();
      const second = await runBatch(strictClient, items(), { journal, saveTo: join(out, "{name}.{ext}") });
      expect(second).toMatchObject({ total: 1, completed: 1, failed: 0 });
      expect(counting.counts.submissions).toBe(1);
      expect(existsSync(join(out, "kept.mp4"))).toBe(true);
    } finally {
      held.hold.release();
      await counting.close();
      await strict.close();
    }
  });

  it("killed with SIGKILL at random points and rerun, completes every item once and submits no job twice", async () => {
    const out = join(folder, "crash");
    const journal = join(folder, "crash.journal");
    const count = 60;
    const environment = {
      ...process.env,
      DECART_BASE_URL: proxy.url,
      DECART_API_KEY: emulator.apiKey,
      BATCH_JOURNAL: journal,
      BATCH_OUT: out,
      BATCH_COUNT: String(count),
    };
    let kills = 0;
    let finished = false;
    for (let round = 0; round < 40 && !finished; round++) {
      const run = spawn(process.execPath, [child], {
        env: environment,
        stdio: ["ignore", "pipe", "inherit"],
      });
      const lines = () => (existsSync(journal) ? readFileSync(journal, "utf8").split("\n").length : 0);
      const start = lines();
      // Kill once the journal has grown by a random number of records: mid-submission, mid-poll, mid-save.
      const killAfter = 1 + Math.floor(Math.random() * 30);
      const exit = new Promise<number | null>((resolve) => run.on("exit", (code) => resolve(code)));
      const watcher = setInterval(() => {
        if (round < 8 && lines() - start >= killAfter) run.kill("SIGKILL");
      }, 2);
      const code = await exit;
      clearInterval(watcher);
      if (code === null) kills++;
      else {
        expect(code).toBe(0);
        finished = true;
      }
    }
    expect(finished).toBe(true);
    expect(kills).toBeGreaterThan(0);
    for (let index = 0; index < count; index++) {
      expect(existsSync(join(out, `item-${index}.mp4`))).toBe(true);
      expect(proxy.jobsByPrompt.get(`item ${index}`)?.size).toBe(1);
    }
    expect(readdirSync(out).filter((name) => name.endsWith(".mp4"))).toHaveLength(count);
    const completedRecords = readFileSync(journal, "utf8")
      .split("\n")
      .filter((line) => line.includes('"event":"completed"'));
    expect(new Set(completedRecords.map((line) => JSON.parse(line).key)).size).toBe(count);
    expect(completedRecords).toHaveLength(count);
    const sample = await decodeVideo(join(out, "item-7.mp4"));
    expect(sample.frames).toBeGreaterThan(0);
  }, 60_000);

  it("killed with submissions in flight, resends them with the same Idempotency-Key, finds the same jobs and lists them as resubmitted", async () => {
    // The proxy holds back the server's answers: the jobs exist, the batch has not heard their ids.
    let holding = true;
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const held = await startCountingProxy(emulator.url, { hold: () => (holding ? released : undefined) });
    try {
      const out = join(folder, "in-doubt");
      const journal = join(out, "batch.journal");
      const environment = {
        ...process.env,
        DECART_BASE_URL: held.url,
        DECART_API_KEY: emulator.apiKey,
        BATCH_JOURNAL: journal,
        BATCH_OUT: out,
        BATCH_COUNT: "5",
        BATCH_CONCURRENCY: "3",
        BATCH_PREFIX: "doubt",
      };
      const first = spawn(process.execPath, [child], {
        env: environment,
        stdio: ["ignore", "ignore", "inherit"],
      });
      const killed = new Promise((resolve) => first.on("exit", (_code, signal) => resolve(signal)));
      await vi.waitFor(() => expect(held.submissions.filter((sent) => sent.jobId)).toHaveLength(3), {
        timeout: 20_000,
        interval: 10,
      });
      first.kill("SIGKILL");
      expect(await killed).toBe("SIGKILL");
      holding = false;
      release();
      const inFlight = held.submissions.slice(0, 3);
      const records = readFileSync(journal, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line));
      // Each was journaled with its key before it was sent; none got as far as its job id.
      expect(records.map((record) => record.event)).toEqual(["submitting", "submitting", "submitting"]);
      expect(records.map((record) => record.idempotencyKey).sort()).toEqual(
        inFlight.map((sent) => sent.idempotencyKey).sort(),
      );

      const second = spawn(process.execPath, [child], {
        env: environment,
        stdio: ["ignore", "pipe", "inherit"],
      });
      let stdout = "";
      second.stdout.on("data", (chunk) => {
        stdout += chunk;
      });
      const code = await new Promise((resolve) => second.on("exit", resolve));
      expect(code).toBe(0);
      const summary = JSON.parse(stdout);
      expect(summary).toMatchObject({ total: 5, completed: 5, failed: 0, skipped: 0 });
      const indexOf = (prompt: string) => Number(prompt.split(" ")[1]);
      expect(summary.resubmitted).toEqual(
        inFlight
          .map((sent) => ({
            index: indexOf(sent.prompt),
            key: records.find((record) => record.idempotencyKey === sent.idempotencyKey)?.key,
            idempotencyKey: sent.idempotencyKey,
            jobId: sent.jobId,
            status: "completed",
          }))
          .sort((a, b) => a.index - b.index),
      );
      for (const sent of inFlight) {
        // Sent twice with one key, and the server answered the resend with the job the first one made.
        const sends = held.submissions.filter((other) => other.prompt === sent.prompt);
        expect(sends.map((other) => [other.idempotencyKey, other.jobId])).toEqual([
          [sent.idempotencyKey, sent.jobId],
          [sent.idempotencyKey, sent.jobId],
        ]);
      }
      for (let index = 0; index < 5; index++) {
        expect(held.jobsByPrompt.get(`doubt ${index}`)?.size).toBe(1);
        expect(existsSync(join(out, `doubt-${index}.mp4`))).toBe(true);
      }
      expect(held.submissions).toHaveLength(3 + 5);
    } finally {
      release();
      await held.close();
    }
  }, 60_000);
});
