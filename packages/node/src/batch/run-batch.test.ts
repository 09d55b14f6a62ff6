import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDecartClient } from "@decart/core";
import { type Emulator, startEmulator } from "@decart/emulator";
import { models } from "@decart/models";
import { decodeVideo } from "@decart/test-media";
import { createFastEngine } from "@decart/test-media/fast-engine";
import { startCountingProxy } from "@decart/test-server/counting-proxy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
  it("ignores a torn last line and starts the next record on a line of its own", () => {
    const path = join(folder, "torn.journal");
    writeFileSync(path, `${JSON.stringify({ event: "submitted", key: "a", jobId: "j1" })}\n{"event":"compl`);
    const journal = BatchJournal.open(path);
    expect(journal.get("a")).toEqual({ status: "submitted", jobId: "j1" });
    journal.append({ event: "completed", key: "a", jobId: "j1", file: "/x" });
    journal.close();
    expect(BatchJournal.open(path).get("a")).toEqual({ status: "completed", jobId: "j1", file: "/x" });
    expect(readFileSync(path, "utf8").split("\n").filter(Boolean)).toHaveLength(3);
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
});
