import { createGeneration, type DecartClient, type ProcessOptions } from "@decart/core";
import { models } from "@decart/models";
import { describe, expect, it } from "vitest";
import { ProgressDisplay } from "./progress-display";
import { hideCursor, showCursor } from "./terminal";

/** A client whose `process` reports a queued job, then half done, then resolves. */
const fakeClient: Pick<DecartClient, "process"> = {
  process: (async (options: ProcessOptions) => {
    options.onProgress?.({ status: "pending", jobId: "job_1" });
    options.onProgress?.({ status: "processing", progress: 0.5, jobId: "job_1" });
    options.onProgress?.({ status: "processing", progress: 0.5, jobId: "job_1" });
    return new Blob(["video"], { type: "video/mp4" });
  }) as DecartClient["process"],
};

function recorder(isTTY: boolean) {
  const written: string[] = [];
  return { output: { isTTY, write: (text: string) => written.push(text) }, written };
}

describe("ProgressDisplay", () => {
  it("prints one plain line per change when not a TTY, from the generation's snapshots", async () => {
    const { output, written } = recorder(false);
    const display = new ProgressDisplay(output, "lucy-pro-t2v");
    const generation = createGeneration(fakeClient);
    const stop = generation.subscribe(display.update);
    const final = await generation.start({ model: models.video("lucy-pro-t2v"), prompt: "Fog" });
    stop();
    display.finish("done");
    expect(final.status).toBe("success");
    expect(written.map((line) => line.replace(/ \d+\.\ds\n$/, ""))).toEqual([
      "lucy-pro-t2v: pending (job job_1)",
      "lucy-pro-t2v: processing 50% (job job_1)",
      "done\n",
    ]);
  });

  it("redraws one line in place on a TTY and clears it when finished", async () => {
    const { output, written } = recorder(true);
    const display = new ProgressDisplay(output, "lucy-pro-t2v");
    const generation = createGeneration(fakeClient);
    generation.subscribe(display.update);
    await generation.start({ model: models.video("lucy-pro-t2v"), prompt: "Fog" });
    display.finish();
    display.update({ status: "pending" });
    // The cursor is hidden first and shown again with the cleared line.
    expect(written[0]).toBe(hideCursor);
    expect(written.slice(1).every((text) => text.startsWith("\r\x1b[2K"))).toBe(true);
    expect(written.some((text) => /processing 50% \(job job_1\) \d+\.\ds$/.test(text))).toBe(true);
    expect(written.at(-1)).toBe(`\r\x1b[2K${showCursor}`);
  });
});
