import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDecartClient } from "@decart/core";
import { models } from "@decart/models";
import { afterAll, describe, expect, it } from "vitest";
import { startEmulator } from "./emulator";
import { ffmpegPathVariable, resolveFfmpeg } from "./engine/index";
import { probeVideo } from "./test-support/index";

const folder = mkdtempSync(join(tmpdir(), "decart-ffmpeg-path-"));
const fixtureVideo = join(import.meta.dirname, "..", "fixtures", "sample.mp4");
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** An ffmpeg stand-in: appends a line to `log` on each run, then execs the bundled binary. */
function countingFfmpeg(name: string): { path: string; runs: () => number } {
  const path = join(folder, name);
  const log = join(folder, `${name}.log`);
  writeFileSync(path, `#!/bin/sh\necho run >> '${log}'\nexec '${resolveFfmpeg()}' "$@"\n`);
  chmodSync(path, 0o755);
  const runs = () => {
    try {
      return readFileSync(log, "utf8").split("\n").filter(Boolean).length;
    } catch {
      return 0;
    }
  };
  return { path, runs };
}

/** Renders a short video through an emulator and checks that it decodes. */
async function renderWith(options: Parameters<typeof startEmulator>[0]): Promise<void> {
  const emulator = await startEmulator(options);
  try {
    const client = createDecartClient({ apiKey: emulator.apiKey, baseUrl: emulator.url });
    const video = await client.process({
      model: models.video("lucy-pro-t2v"),
      prompt: "Fog over a harbour",
      resolution: "480p",
    });
    const path = join(folder, `out-${Math.random().toString(16).slice(2)}.mp4`);
    writeFileSync(path, new Uint8Array(await video.arrayBuffer()));
    expect((await probeVideo(path)).codec).toBe("h264");
  } finally {
    await emulator.close();
  }
}

describe("the ffmpeg the engine runs", () => {
  it("is the one given as startEmulator({ ffmpegPath })", async () => {
    const ffmpeg = countingFfmpeg("ffmpeg-option");
    await renderWith({ ffmpegPath: ffmpeg.path });
    expect(ffmpeg.runs()).toBeGreaterThan(0);
  }, 60_000);

  it("checks an uploaded video with the one given as ffmpegPath, before the job is queued", async () => {
    const ffmpeg = countingFfmpeg("ffmpeg-probe");
    // A custom engine runs no ffmpeg of its own: every run is the check of the upload.
    const emulator = await startEmulator({
      ffmpegPath: ffmpeg.path,
      engine: {
        async render(request) {
          writeFileSync(request.outputPath, readFileSync(fixtureVideo));
          return { outputPath: request.outputPath, contentType: "video/mp4", width: 64, height: 64 };
        },
      },
    });
    try {
      const client = createDecartClient({ apiKey: emulator.apiKey, baseUrl: emulator.url });
      const data = new Blob([readFileSync(fixtureVideo)], { type: "video/mp4" });
      await client.queue.submit({ model: models.video("lucy-pro-v2v"), prompt: "anime", data });
      expect(ffmpeg.runs()).toBe(1);
    } finally {
      await emulator.close();
    }
  }, 60_000);

  it("a submission whose video is being checked when the emulator closes renders nothing", async () => {
    // The check of the upload takes a second here, so close() comes while it runs.
    const path = join(folder, "slow-ffmpeg");
    const log = join(folder, "slow-ffmpeg.log");
    writeFileSync(path, `#!/bin/sh\necho run >> '${log}'\nsleep 1\nexec '${resolveFfmpeg()}' "$@"\n`);
    chmodSync(path, 0o755);
    let renders = 0;
    const emulator = await startEmulator({
      ffmpegPath: path,
      engine: {
        async render(request) {
          renders++;
          writeFileSync(request.outputPath, readFileSync(fixtureVideo));
          return { outputPath: request.outputPath, contentType: "video/mp4", width: 64, height: 64 };
        },
      },
    });
    const client = createDecartClient({ apiKey: emulator.apiKey, baseUrl: emulator.url, retry: 0 });
    const data = new Blob([readFileSync(fixtureVideo)], { type: "video/mp4" });
    const submission = client.queue
      .submit({ model: models.video("lucy-pro-v2v"), prompt: "anime", data })
      .catch((error: unknown) => error);
    await expect.poll(() => existsSync(log), { timeout: 10_000 }).toBe(true);
    await emulator.close();
    expect(await submission).toBeInstanceOf(Error);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(renders).toBe(0);
  }, 60_000);

  it("is the one named by DECART_FFMPEG_PATH", async () => {
    const ffmpeg = countingFfmpeg("ffmpeg-env");
    process.env[ffmpegPathVariable] = ffmpeg.path;
    try {
      await renderWith({});
    } finally {
      delete process.env[ffmpegPathVariable];
    }
    expect(ffmpeg.runs()).toBeGreaterThan(0);
  }, 60_000);
});
