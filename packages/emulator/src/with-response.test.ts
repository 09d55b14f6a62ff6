import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDecartClient, type DecartClient } from "@decart/core";
import { models } from "@decart/models";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "./emulator";
import { probeVideo } from "./test-support/index";

const bytes = async (blob: Blob) => new Uint8Array(await blob.arrayBuffer());

describe("client.process(...).withResponse() against the emulator", () => {
  let emulator: Emulator;
  let client: DecartClient;
  let directory: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "emulator-with-response-"));
    emulator = await startEmulator();
    client = createDecartClient({ apiKey: emulator.apiKey, baseUrl: emulator.url });
  });
  afterAll(async () => {
    await emulator.close();
    await rm(directory, { recursive: true, force: true });
  });

  it("reports the seed the emulator picked, which reproduces the same image", async () => {
    const model = models.image("lucy-pro-t2i");
    const prompt = "A lighthouse on a cliff at dawn";
    const first = await client.process({ model, prompt, resolution: "480p" }).withResponse();
    expect(first.model).toBe("lucy-pro-t2i");
    expect(first.jobId).toBeUndefined();
    expect(first.requestId).toMatch(/^req_[0-9a-f]{24}$/);
    expect(Number.isInteger(first.seed)).toBe(true);
    const decoded = await sharp(await bytes(first.data)).metadata();
    expect(decoded).toMatchObject({ format: "png", width: 832, height: 480 });

    const again = await client
      .process({ model, prompt, resolution: "480p", seed: first.seed })
      .withResponse();
    expect(again.seed).toBe(first.seed);
    expect(again.requestId).not.toBe(first.requestId);
    expect(await bytes(again.data)).toEqual(await bytes(first.data));
  });

  it("names the video's job, which the queue knows as completed", async () => {
    const pending = client.process({
      model: models.video("lucy-pro-t2v"),
      prompt: "Waves rolling onto a beach",
      resolution: "480p",
      seed: 11,
    });
    const response = await pending.withResponse();
    expect(await pending).toBe(response.data);
    expect(response.data.type).toBe("video/mp4");
    const path = join(directory, "result.mp4");
    await writeFile(path, await bytes(response.data));
    expect(await probeVideo(path)).toMatchObject({ codec: "h264", width: 832, height: 480 });
    expect(response.seed).toBe(11);
    expect(response.requestId).toMatch(/^req_/);
    expect(response.jobId).toMatch(/\S/);
    expect((await client.queue.status(response.jobId ?? "")).status).toBe("completed");
    expect(response.timings.submittedAt).toBeGreaterThanOrEqual(response.timings.startedAt);
    expect(response.timings.jobMs).toBeGreaterThanOrEqual(0);
  }, 60_000);
});
