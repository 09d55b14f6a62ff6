import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { decodeVideo } from "@decart/test-media";
import { describe, expect, it } from "vitest";
import { createDecartQueue } from "./queue";
import {
  addFromFile,
  type CliProcess,
  freshQueue,
  spawnQueueCli,
  useFleet,
  workerFlags,
} from "./test-support/index";

const fleet = useFleet({ persist: true });

/** Writes a JSON-lines file of `count` text-to-video items. */
function jobsFile(label: string, count: number): string {
  const path = join(fleet.folder, `${label}.jsonl`);
  const lines = Array.from({ length: count }, (_, index) =>
    JSON.stringify({ model: "lucy-pro-t2v", prompt: `${label} ${index}`, resolution: "480p" }),
  );
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

async function waitForCompleted(queue: string, count: number, timeout = 90_000): Promise<void> {
  const watcher = createDecartQueue({ name: queue, connection: fleet.redis.url });
  try {
    await expect
      .poll(async () => (await watcher.status()).completed, { timeout, interval: 200 })
      .toBeGreaterThanOrEqual(count);
  } finally {
    await watcher.close();
  }
}

/** Every prompt of the run was submitted as exactly one Decart job. */
function expectOneJobPerItem(label: string, count: number): void {
  for (let index = 0; index < count; index++) {
    expect(fleet.proxy.jobsByPrompt.get(`${label} ${index}`)?.size, `${label} ${index}`).toBe(1);
  }
}

async function stopAll(workers: CliProcess[]): Promise<void> {
  for (const worker of workers)
    if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill("SIGKILL");
  await Promise.all(workers.map((worker) => worker.exited));
}

describe("decart queue work, as separate processes", () => {
  it("three workers over 200 items, one killed with SIGKILL mid-run and started again: one decodable output and one job per item", async () => {
    const queue = freshQueue("fleet");
    const out = join(fleet.folder, queue);
    const added = await addFromFile(fleet, queue, jobsFile(queue, 200));
    expect(added).toMatchObject({ code: 0, stdout: `added 200, 0 already in queue ${queue}\n` });
    const flags = [...workerFlags(fleet, queue, out), "-c", "4", "--lock-duration", "2000"];
    const workers = [0, 1, 2].map(() => spawnQueueCli(flags));
    try {
      await waitForCompleted(queue, 40);
      workers[0]?.child.kill("SIGKILL");
      expect(await workers[0]?.exited).toBe("SIGKILL");
      workers.push(spawnQueueCli([...flags, "--exit-when-drained"]));
      await waitForCompleted(queue, 200);
      const last = workers[3] as CliProcess;
      expect(await last.exited).toBe(0);
      expect(last.stdout()).toContain(`${queue}: drained, 200 done, 0 failed`);
    } finally {
      await stopAll(workers);
    }
    const files = readdirSync(out).filter((file) => !file.startsWith("."));
    expect(files).toHaveLength(200);
    expect(files.every((file) => file.endsWith(".mp4"))).toBe(true);
    for (const file of files) expect((await decodeVideo(join(out, file))).frames).toBe(5);
    expectOneJobPerItem(queue, 200);
    // A resend in the one window (killed between the submission's answer and the write of its job id) found
    // the same job through its Idempotency-Key; at most the killed worker's four items can have been resent.
    const accepted = fleet.proxy.submissions.filter(
      (each) => each.prompt.startsWith(`${queue} `) && each.status === 200,
    );
    expect(accepted.length).toBeLessThanOrEqual(200 + 4);
    // The killed worker's items were taken over once its locks lapsed, and polled, not submitted again.
    const watcher = createDecartQueue({ name: queue, connection: fleet.redis.url });
    const completed = await watcher.queue.getCompleted(0, 199);
    await watcher.close();
    expect(completed.filter((job) => job.stalledCounter > 0).length).toBeGreaterThan(0);
  });

  it("a worker SIGTERMed mid-job finishes it within the grace period and exits 0", async () => {
    const queue = freshQueue("term");
    const out = join(fleet.folder, queue);
    writeFileSync(
      join(fleet.folder, `${queue}.jsonl`),
      `${JSON.stringify({ model: "lucy-pro-t2v", prompt: `${queue} hold` })}\n`,
    );
    await addFromFile(fleet, queue, join(fleet.folder, `${queue}.jsonl`));
    const worker = spawnQueueCli([...workerFlags(fleet, queue, out), "--grace", "20000"]);
    try {
      await expect.poll(() => fleet.proxy.jobsByPrompt.get(`${queue} hold`)?.size ?? 0).toBe(1);
      worker.child.kill("SIGTERM");
      setTimeout(() => fleet.engine.hold.release(), 500);
      expect(await worker.exited).toBe(0);
      expect(readdirSync(out)).toHaveLength(1);
    } finally {
      fleet.engine.hold.enabled = true;
      await stopAll([worker]);
    }
  });

  it("Redis killed and restarted mid-run: the workers reconnect by themselves and nothing is lost", async () => {
    const queue = freshQueue("redis");
    const out = join(fleet.folder, queue);
    await addFromFile(fleet, queue, jobsFile(queue, 60));
    const flags = [...workerFlags(fleet, queue, out), "-c", "3", "--lock-duration", "2000"];
    const workers = [spawnQueueCli(flags), spawnQueueCli(flags)];
    try {
      await waitForCompleted(queue, 10);
      await fleet.redis.kill("SIGKILL");
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await fleet.redis.restart();
      await waitForCompleted(queue, 60);
      const finisher = spawnQueueCli([...flags, "--exit-when-drained"]);
      workers.push(finisher);
      expect(await finisher.exited).toBe(0);
    } finally {
      await stopAll(workers);
    }
    expect(readdirSync(out).filter((file) => file.endsWith(".mp4"))).toHaveLength(60);
    expectOneJobPerItem(queue, 60);
  });
});
