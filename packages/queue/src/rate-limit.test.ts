import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  addFromFile,
  freshQueue,
  runQueueCli,
  spawnQueueCli,
  useFleet,
  workerFlags,
} from "./test-support/index";

// The API in front of the emulator answers every 15th submission 429 with Retry-After: 2.
const retryAfterMs = 2_000;
const fleet = useFleet({ refuse: (index) => (index % 15 === 7 ? retryAfterMs / 1000 : undefined) });

/**
 * Submissions that checked for a pause just before the worker that met the 429 set it may still arrive
 * after the 429: on a loaded 2-core machine, a few hundred milliseconds after. Without the fleet-wide
 * pause, submissions arrive every few milliseconds, so the window left is still a sharp test.
 */
const inFlightSlackMs = 400;

describe("a 429 storm against a fleet of three worker processes", () => {
  it("after each 429 no worker anywhere submits until its Retry-After is over, and every item completes once", async () => {
    const queue = freshQueue("storm");
    const input = join(fleet.folder, `${queue}.jsonl`);
    const count = 90;
    writeFileSync(
      input,
      Array.from({ length: count }, (_, index) =>
        JSON.stringify({ model: "lucy-pro-t2v", prompt: `${queue} ${index}` }),
      ).join("\n"),
    );
    expect((await addFromFile(fleet, queue, input)).code).toBe(0);
    const flags = [...workerFlags(fleet, queue, join(fleet.folder, queue)), "-c", "4", "--exit-when-drained"];
    const workers = [0, 1, 2].map(() => spawnQueueCli(flags));
    const codes = await Promise.all(workers.map((worker) => worker.exited));
    expect(codes).toEqual([0, 0, 0]);

    const submissions = fleet.proxy.submissions.filter((each) => each.prompt.startsWith(queue));
    const refusals = submissions.filter((each) => each.status === 429);
    expect(refusals.length).toBeGreaterThanOrEqual(5);
    for (const refusal of refusals) {
      const during = submissions.filter(
        (each) => each.at > refusal.at + inFlightSlackMs && each.at < refusal.at + retryAfterMs - 100,
      );
      expect(during, `submissions during the pause after the 429 at ${refusal.at.toFixed(0)} ms`).toEqual([]);
    }
    for (let index = 0; index < count; index++) {
      expect(fleet.proxy.jobsByPrompt.get(`${queue} ${index}`)?.size, `${queue} ${index}`).toBe(1);
    }
    const status = await runQueueCli(["status", "--redis", fleet.redis.url, "--queue", queue, "--json"]);
    expect(JSON.parse(status.stdout)).toMatchObject({ completed: count, failed: 0, waiting: 0 });
    // Every worker said so on its way: a rate-limit line per 429 it met.
    expect(workers.map((worker) => worker.stderr()).join("")).toContain(
      `rate limited: every worker pauses ${retryAfterMs} ms`,
    );
  });
});
