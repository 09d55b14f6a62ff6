import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { launchChromium } from "@decart/test-server/chromium";
import { describe, expect, it } from "vitest";
import { createDecartQueue } from "../queue";
import {
  addFromFile,
  decartBin,
  freshQueue,
  runQueueCli,
  spawnQueueCli,
  useFleet,
  workerFlags,
} from "../test-support/index";

const fleet = useFleet();

function writeLines(label: string, lines: readonly string[]): string {
  const path = join(fleet.folder, `${label}.jsonl`);
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

const item = (prompt: string, extra: object = {}) =>
  JSON.stringify({ model: "lucy-pro-t2v", prompt, ...extra });

async function waitingCount(queue: string): Promise<number> {
  const watcher = createDecartQueue({ name: queue, connection: fleet.redis.url });
  try {
    return (await watcher.status()).waiting;
  } finally {
    await watcher.close();
  }
}

describe("decart queue", () => {
  it("is listed by decart --help, and explains itself", async () => {
    const { execFileSync } = await import("node:child_process");
    expect(execFileSync(process.execPath, [decartBin, "--help"]).toString()).toMatch(
      /queue \[args\.\.\.\]\s+run a batch on many machines/,
    );
    const help = await runQueueCli(["--help"]);
    expect(help.code).toBe(0);
    for (const command of ["add", "work", "status", "retry-failed", "dashboard"])
      expect(help.stdout).toContain(command);
    expect(help.stdout).toContain("REDIS_URL");
  });

  it("add refuses a file with a malformed line before anything is enqueued, naming every bad line", async () => {
    const queue = freshQueue("malformed");
    const input = writeLines(queue, [
      item("fine 1"),
      "{not json",
      item("fine 2"),
      JSON.stringify({ model: "lucy-pro-i2v", prompt: "no data" }),
      "[1,2]",
    ]);
    const run = await addFromFile(fleet, queue, input);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain("3 of 5 lines cannot be queued, so nothing was added");
    expect(run.stderr).toContain(`${input}:2: not valid JSON`);
    expect(run.stderr).toContain(`${input}:4: Invalid inputs for lucy-pro-i2v: data is required`);
    expect(run.stderr).toContain(`${input}:5: not a JSON object`);
    expect(await waitingCount(queue)).toBe(0);
  });

  it("add counts what is new: a dry run adds nothing, a second add of the same file adds nothing", async () => {
    const queue = freshQueue("counts");
    const input = writeLines(queue, [item("one"), item("two"), item("three", { model: undefined }), ""]);
    const flags = [
      "add",
      "--redis",
      fleet.redis.url,
      "--queue",
      queue,
      "--input",
      input,
      "--model",
      "lucy-pro-t2v",
    ];
    expect((await runQueueCli([...flags, "--dry-run"])).stdout).toBe(
      `would add 3, 0 already in queue ${queue}\n`,
    );
    expect(await waitingCount(queue)).toBe(0);
    expect((await runQueueCli(flags)).stdout).toBe(`added 3, 0 already in queue ${queue}\n`);
    const again = await runQueueCli([...flags, "--json"]);
    expect(JSON.parse(again.stdout)).toEqual({
      queue,
      total: 3,
      added: 0,
      existing: 3,
      invalid: 0,
      dryRun: false,
    });
  });

  it("add <model> --data <pattern> queues one item per file, as decart batch does, with absolute paths", async () => {
    const queue = freshQueue("files");
    const stills = join(fleet.folder, `${queue}-stills`);
    mkdirSync(stills);
    for (const name of ["a.png", "b.png", "c.txt"]) writeFileSync(join(stills, name), "x");
    const flags = [
      "add",
      "lucy-pro-i2v",
      "--redis",
      fleet.redis.url,
      "--queue",
      queue,
      "--prompt",
      "Wind",
      "--seed",
      "7",
    ];
    const dry = await runQueueCli([...flags, "--data", join(stills, "*.png"), "--dry-run"]);
    expect(dry).toMatchObject({
      code: 0,
      stdout: `would add 2, 0 already in queue ${queue}
`,
    });
    const added = await runQueueCli([...flags, "--data", join(stills, "*.png"), "--json"]);
    expect(JSON.parse(added.stdout)).toMatchObject({ added: 2, existing: 0 });
    const watcher = createDecartQueue({ name: queue, connection: fleet.redis.url });
    const jobs = await watcher.queue.getWaiting();
    await watcher.close();
    expect(jobs.map((job) => job.data).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      expect.objectContaining({
        name: "a",
        model: "lucy-pro-i2v",
        inputs: { prompt: "Wind", seed: 7, data: join(stills, "a.png") },
      }),
      expect.objectContaining({
        name: "b",
        inputs: { prompt: "Wind", seed: 7, data: join(stills, "b.png") },
      }),
    ]);
    const none = await runQueueCli([...flags, "--data", join(stills, "*.mp4")]);
    expect(none.code).toBe(4);
    expect(none.stderr).toContain("matches no file");
    const help = await runQueueCli(["add", "lucy-pro-i2v", "--help"]);
    expect(help.stdout).toMatch(/--data <files\|pattern\.\.\.>/);
  });

  it("takes REDIS_URL instead of --redis, and is a usage error (exit 2) without either", async () => {
    const queue = freshQueue("env");
    const withEnv = await runQueueCli(["status", "--queue", queue], { REDIS_URL: fleet.redis.url });
    expect(withEnv).toMatchObject({
      code: 0,
      stdout: `${queue}: 0 waiting, 0 active, 0 completed, 0 failed, 0 delayed\n`,
    });
    const without = await runQueueCli(["status", "--queue", queue], { REDIS_URL: "" });
    expect(without.code).toBe(2);
    expect(without.stderr).toContain("--redis redis://host:6379 or REDIS_URL");
    const unknown = await runQueueCli(["frobnicate"]);
    expect(unknown.code).toBe(2);
  });

  it("work --exit-when-drained exits 4 when an item's inputs were refused; status lists it; retry-failed puts it back", async () => {
    const queue = freshQueue("failing");
    const broken = join(fleet.folder, "broken.png");
    writeFileSync(broken, "not an image at all");
    const input = writeLines(queue, [
      item("failing fine"),
      JSON.stringify({ model: "lucy-pro-i2v", prompt: "failing bad", data: broken, name: "bad" }),
    ]);
    await addFromFile(fleet, queue, input);
    const run = await runQueueCli([
      ...workerFlags(fleet, queue, join(fleet.folder, queue)),
      "--exit-when-drained",
    ]);
    expect(run.code).toBe(4);
    expect(run.stdout).toContain(`${queue}: drained, 1 done, 1 failed`);
    expect(run.stderr).toMatch(/failed \S+: InvalidInputError 4\d\d/);
    const status = await runQueueCli(["status", "--redis", fleet.redis.url, "--queue", queue]);
    expect(status.stdout).toContain(`${queue}: 0 waiting, 0 active, 1 completed, 1 failed, 0 delayed`);
    expect(status.stdout).toMatch(/ {2}failed \S+ \(lucy-pro-i2v, 1 attempts\): InvalidInputError 4\d\d/);
    const json = JSON.parse(
      (await runQueueCli(["status", "--redis", fleet.redis.url, "--queue", queue, "--json"])).stdout,
    );
    expect(json.failures[0]).toMatchObject({
      model: "lucy-pro-i2v",
      error: { name: "InvalidInputError", final: true },
    });
    const retried = await runQueueCli(["retry-failed", "--redis", fleet.redis.url, "--queue", queue]);
    expect(retried.stdout).toBe(`1 failed items back in queue ${queue}\n`);
    expect(await waitingCount(queue)).toBe(1);
  });

  it("a producer command gives up on an unreachable Redis after --connect-timeout, with exit code 5", async () => {
    for (const command of ["status", "retry-failed"]) {
      const run = await runQueueCli([
        command,
        "--redis",
        "redis://127.0.0.1:1",
        "--queue",
        freshQueue("nowhere"),
        "--connect-timeout",
        "300",
      ]);
      expect([run.code, run.stderr]).toEqual([
        5,
        expect.stringContaining("Cannot reach Redis at 127.0.0.1:1 within 300 ms"),
      ]);
    }
  });

  it("work with a key the API refuses stops with exit 3 and leaves every item waiting", async () => {
    const queue = freshQueue("refused");
    await addFromFile(fleet, queue, writeLines(queue, [item("refused one"), item("refused two")]));
    const run = await runQueueCli([
      ...workerFlags(fleet, queue, join(fleet.folder, queue)),
      "--api-key",
      "wrong-key",
    ]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("stopping: the API refused this worker's key (InvalidAPIKeyError 401");
    expect(await waitingCount(queue)).toBe(2);
  });

  it("work without an API key is an auth error (exit 3) before it takes any item", async () => {
    const queue = freshQueue("nokey");
    const run = await runQueueCli(
      ["work", "--redis", fleet.redis.url, "--queue", queue, "--out", fleet.folder],
      { DECART_API_KEY: "" },
    );
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("Missing API key");
  });

  it("dashboard serves bull-board on 127.0.0.1, and it renders the queue in chromium", async () => {
    const queue = freshQueue("board");
    await addFromFile(fleet, queue, writeLines(queue, [item("board one")]));
    const dashboard = spawnQueueCli([
      "dashboard",
      "--redis",
      fleet.redis.url,
      "--queue",
      queue,
      "--port",
      "0",
    ]);
    const browser = await launchChromium();
    try {
      await expect.poll(() => dashboard.stdout(), { timeout: 30_000 }).toMatch(/http:\/\/127\.0\.0\.1:\d+\//);
      const url = /http:\/\/127\.0\.0\.1:\d+\//.exec(dashboard.stdout())?.[0] as string;
      const page = await browser.newPage();
      await page.goto(`${url}queue/${queue}?status=waiting`);
      await expect.poll(() => page.locator("body").textContent(), { timeout: 30_000 }).toContain(queue);
      await expect
        .poll(() => page.locator("body").textContent(), { timeout: 30_000 })
        .toContain("lucy-pro-t2v");
    } finally {
      await browser.close();
      dashboard.child.kill("SIGTERM");
      expect(await dashboard.exited).toBe(0);
    }
  });
});
