import { execFile, spawn } from "node:child_process";
import {
  copyFileSync,
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
import { promisify } from "node:util";
import { type Emulator, startEmulator } from "@decart/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleForNode } from "../test/bundle";
import { startCountingProxy } from "../test/counting-proxy";
import { createFastEngine } from "../test/fast-engine";
import { decodeVideo } from "../test/media";

const execFileAsync = promisify(execFile);
let folder: string;
let cli: string;
let emulator: Emulator;
let proxy: Awaited<ReturnType<typeof startCountingProxy>>;
let fast: Awaited<ReturnType<typeof createFastEngine>>;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), "decart-cli-batch-"));
  [fast, cli] = await Promise.all([createFastEngine(folder), bundleForNode("src/cli.ts", "cli-batch")]);
  emulator = await startEmulator({
    engine: fast.engine,
    limits: { maxConcurrentJobs: 8, maxQueuedJobs: 1_000 },
  });
  proxy = await startCountingProxy(emulator.url);
  mkdirSync(join(folder, "clips"));
  for (const name of ["a", "b", "c"])
    copyFileSync(join(folder, "fast-engine.mp4"), join(folder, "clips", `${name}.mp4`));
});
afterAll(async () => {
  await proxy?.close();
  await emulator?.close();
  rmSync(folder, { recursive: true, force: true });
});

const remote = () => ["--base-url", proxy.url, "--api-key", emulator.apiKey];

async function decart(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [cli, ...args], { cwd: folder });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const jsonl = (name: string, lines: unknown[]) => {
  writeFileSync(
    join(folder, name),
    lines.map((line) => (typeof line === "string" ? line : JSON.stringify(line))).join("\n"),
  );
  return name;
};

describe("decart batch", () => {
  it("runs a model over files into --out, and a rerun skips what is done without submitting", async () => {
    const args = [
      "batch",
      "lucy-pro-v2v",
      "--prompt",
      "Convert to anime",
      "--data",
      "clips/*.mp4",
      "--out",
      "out",
      ...remote(),
    ];
    const first = await decart(args);
    expect(first.stderr).toMatch(/3 completed, 0 failed/);
    expect(first.code).toBe(0);
    expect(
      readdirSync(join(folder, "out"))
        .filter((name) => name.endsWith(".mp4"))
        .sort(),
    ).toEqual(["a.mp4", "b.mp4", "c.mp4"]);
    expect((await decodeVideo(join(folder, "out", "b.mp4"))).codec).toBe("h264");
    const submissions = proxy.counts.submissions;
    const second = await decart(args);
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/3 completed, 0 failed, 0 cancelled, 3 skipped/);
    expect(proxy.counts.submissions).toBe(submissions);
  });

  it("--dry-run reports every invalid item and sends nothing; a run prints --json lines and exits 4 on invalid inputs", async () => {
    const input = jsonl("jobs.jsonl", [
      { model: "lucy-pro-t2v", prompt: "dry one", name: "one" },
      { model: "lucy-pro-t2v", name: "no-prompt" },
      "{not json",
      { model: "lucy-nonexistent", prompt: "x" },
      { model: "lucy-pro-v2v", prompt: "dry two", data: "clips/a.mp4", name: "two" },
    ]);
    const submissions = proxy.counts.submissions;
    const dry = await decart(["batch", "--input", input, "--out", "dry", "--dry-run", ...remote()]);
    expect(dry.code).toBe(4);
    // Over --input the user wrote field names, so the messages keep them.
    expect(dry.stderr).toMatch(/invalid #1 no-prompt: Invalid inputs for lucy-pro-t2v: prompt is required/);
    expect(dry.stderr).toMatch(/jobs\.jsonl:3: not valid JSON/);
    expect(dry.stderr).toMatch(/jobs\.jsonl:4: .*lucy-nonexistent/);
    expect(dry.stderr).toMatch(/2 valid, 3 invalid; nothing was sent/);
    expect(proxy.counts.submissions).toBe(submissions);
    expect(existsSync(join(folder, "dry"))).toBe(false);

    const run = await decart(["batch", "--input", input, "--out", "dry", "--json", ...remote()]);
    // Every failure is an input failure, so the run exits with that code.
    expect(run.code).toBe(4);
    const lines = run.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    const items = lines.filter((line) => line.key);
    expect(
      items
        .filter((line) => line.status === "completed")
        .map((line) => line.file.split("/").at(-1))
        .sort(),
    ).toEqual(["one.mp4", "two.mp4"]);
    expect(items.find((line) => line.status === "failed")?.error.code).toBe("INVALID_INPUT");
    expect(lines.at(-1).summary).toMatchObject({ completed: 2, failed: 3 });
  });

  it("--shard i/n splits the items deterministically: the shards together run each item once", async () => {
    const input = jsonl(
      "many.jsonl",
      Array.from({ length: 12 }, (_, index) => ({
        model: "lucy-pro-t2v",
        prompt: `shard ${index}`,
        name: `s${index}`,
      })),
    );
    const [one, two] = await Promise.all([
      decart(["batch", "--input", input, "--out", "shards", "--shard", "1/2", ...remote()]),
      decart(["batch", "--input", input, "--out", "shards", "--shard", "2/2", ...remote()]),
    ]);
    expect([one.code, two.code]).toEqual([0, 0]);
    const files = readdirSync(join(folder, "shards")).filter((name) => name.endsWith(".mp4"));
    expect(files).toHaveLength(12);
    const counted = (output: string) => Number(/(\d+) completed/.exec(output)?.[1]);
    expect(counted(one.stderr) + counted(two.stderr)).toBe(12);
    expect(counted(one.stderr)).toBeGreaterThan(0);
    expect(
      readdirSync(join(folder, "shards"))
        .filter((name) => name.endsWith(".journal"))
        .sort(),
    ).toEqual([".decart-batch-1of2.journal", ".decart-batch-2of2.journal"]);
    for (let index = 0; index < 12; index++) expect(proxy.jobsByPrompt.get(`shard ${index}`)?.size).toBe(1);
  });

  it("Ctrl-C cancels the jobs in flight, keeps the journal consistent and says how to resume", async () => {
    const input = jsonl("hold.jsonl", [
      { model: "lucy-pro-t2v", prompt: "hold one", name: "h1" },
      { model: "lucy-pro-t2v", prompt: "hold two", name: "h2" },
    ]);
    const journal = join(folder, "held", ".decart-batch.journal");
    const child = spawn(process.execPath, [cli, "batch", "--input", input, "--out", "held", ...remote()], {
      cwd: folder,
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const exit = new Promise<number | null>((resolve) => child.on("exit", resolve));
    const submitted = () =>
      existsSync(journal) ? readFileSync(journal, "utf8").split('"submitted"').length - 1 : 0;
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (submitted() >= 2) {
          clearInterval(timer);
          resolve();
        }
      }, 10);
    });
    const aborted = fast.hold.aborted;
    child.kill("SIGINT");
    expect(await exit).toBe(130);
    expect(stderr).toMatch(/To resume, run the same command again/);
    expect(fast.hold.aborted - aborted).toBe(2);
    expect(readFileSync(journal, "utf8").split('"cancelled"').length - 1).toBe(2);

    fast.hold.release();
    const rerun = await decart(["batch", "--input", input, "--out", "held", ...remote()]);
    expect(rerun.code).toBe(0);
    expect(
      readdirSync(join(folder, "held"))
        .filter((name) => name.endsWith(".mp4"))
        .sort(),
    ).toEqual(["h1.mp4", "h2.mp4"]);
  });
});
