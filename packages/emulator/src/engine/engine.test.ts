import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probeVideo } from "../test-support/index.js";
import { createProceduralEngine, MediaInputError, probeImage, type RenderRequest } from "./index.js";

const fixtures = join(import.meta.dirname, "..", "..", "fixtures");
const directory = mkdtempSync(join(tmpdir(), "decart-engine-"));
const engine = createProceduralEngine({ workers: 2 });

function request(overrides: Partial<RenderRequest>): RenderRequest {
  return {
    model: "lucy-pro-t2v",
    kind: "video",
    task: "text-to-video",
    width: 832,
    height: 480,
    fps: 25,
    maxDurationSeconds: 5,
    seed: 42,
    prompt: "a city at night with neon lights",
    inputs: {},
    outputPath: join(directory, "out.mp4"),
    signal: new AbortController().signal,
    ...overrides,
  };
}

const sha = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

async function pixels(path: string, width = 160, height = 88): Promise<Buffer> {
  return sharp(path).resize(width, height, { fit: "fill" }).removeAlpha().raw().toBuffer();
}

async function videoFrame(path: string, at: number): Promise<string> {
  const { execFile } = await import("node:child_process");
  const ffmpeg = (await import("@ffmpeg-installer/ffmpeg")).default.path as string;
  const out = `${path}.${at}.png`;
  await new Promise<void>((resolve, reject) =>
    execFile(ffmpeg, ["-v", "error", "-y", "-ss", String(at), "-i", path, "-frames:v", "1", out], (error) =>
      error ? reject(error) : resolve(),
    ),
  );
  return out;
}

function meanDifference(a: Buffer, b: Buffer): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs((a[i] as number) - (b[i] as number));
  return sum / a.length;
}

beforeAll(() => {
  expect(existsSync(join(fixtures, "sample.png"))).toBe(true);
  expect(existsSync(join(fixtures, "sample.mp4"))).toBe(true);
});

afterAll(async () => {
  await engine.close?.();
  rmSync(directory, { recursive: true, force: true });
});

describe("procedural engine", () => {
  it("renders an H.264 text-to-video, byte-identical for the same seed", async () => {
    // Short and at 480p: the full 720p, 5 s, 125-frame render is checked end to end (emulator.e2e.test.ts).
    const [first, second] = await Promise.all([
      engine.render(request({ maxDurationSeconds: 1, outputPath: join(directory, "t2v-a.mp4") })),
      engine.render(request({ maxDurationSeconds: 1, outputPath: join(directory, "t2v-b.mp4") })),
    ]);
    expect(first).toMatchObject({ contentType: "video/mp4", frames: 25, width: 832, height: 480 });
    const info = await probeVideo(first.outputPath);
    expect(info).toMatchObject({
      codec: "h264",
      pixelFormat: "yuv420p",
      width: 832,
      height: 480,
      frameRate: "25/1",
      frames: 25,
      colorPrimaries: "bt709",
      colorTransfer: "bt709",
      colorSpace: "bt709",
    });
    expect(info.durationSeconds).toBeCloseTo(1, 1);
    expect(sha(first.outputPath)).toBe(sha(second.outputPath));
  });

  it("renders a PNG text-to-image; different prompts look clearly different", async () => {
    const prompts = [
      "a city at night with neon lights",
      "a sunny desert with dunes at noon",
      "snowy mountains and a lake at dawn",
      "sunset over the ocean",
    ];
    const images = await Promise.all(
      prompts.map((prompt, index) =>
        engine.render(
          request({
            kind: "image",
            task: "text-to-image",
            model: "lucy-pro-t2i",
            width: 704,
            height: 1280,
            prompt,
            outputPath: join(directory, `t2i-${index}.png`),
          }),
        ),
      ),
    );
    const meta = await sharp(images[0]?.outputPath).metadata();
    expect(meta).toMatchObject({ format: "png", width: 704, height: 1280 });
    const decoded = await Promise.all(images.map((image) => pixels(image.outputPath, 88, 160)));
    for (let a = 0; a < decoded.length; a++) {
      for (let b = a + 1; b < decoded.length; b++)
        expect(meanDifference(decoded[a] as Buffer, decoded[b] as Buffer)).toBeGreaterThan(20);
    }
    const again = await engine.render(
      request({
        kind: "image",
        task: "text-to-image",
        model: "lucy-pro-t2i",
        width: 704,
        height: 1280,
        prompt: prompts[0] as string,
        outputPath: join(directory, "t2i-again.png"),
      }),
    );
    expect(sha(again.outputPath)).toBe(sha(images[0]?.outputPath as string));
  });

  it("animates an input image (i2v), a first-last transition and a motion trajectory (2 s each)", async () => {
    const sample = join(fixtures, "sample.png");
    const [i2v, flf, motion] = await Promise.all([
      engine.render(
        request({
          model: "lucy-pro-i2v",
          task: "image-to-video",
          maxDurationSeconds: 2,
          inputs: { data: sample },
          outputPath: join(directory, "i2v.mp4"),
        }),
      ),
      engine.render(
        request({
          model: "lucy-pro-flf2v",
          task: "first-last-frame",
          maxDurationSeconds: 2,
          inputs: { start: sample, end: join(directory, "t2i-1.png") },
          outputPath: join(directory, "flf.mp4"),
        }),
      ),
      engine.render(
        request({
          model: "lucy-motion",
          task: "motion",
          prompt: "",
          maxDurationSeconds: 2,
          inputs: { data: sample },
          trajectory: [
            { frame: 0, x: 0.2, y: 0.3 },
            { frame: 24, x: 0.8, y: 0.5 },
            { frame: 48, x: 0.3, y: 0.8 },
          ],
          outputPath: join(directory, "motion.mp4"),
        }),
      ),
    ]);
    for (const result of [i2v, flf, motion]) {
      expect(await probeVideo(result.outputPath)).toMatchObject({
        codec: "h264",
        width: 832,
        height: 480,
        frames: 50,
        frameRate: "25/1",
      });
    }
    const start = await pixels(await videoFrame(flf.outputPath, 0));
    const end = await pixels(await videoFrame(flf.outputPath, 1.9));
    expect(meanDifference(start, end)).toBeGreaterThan(15);
    const motionStart = await pixels(await videoFrame(motion.outputPath, 0));
    const motionMiddle = await pixels(await videoFrame(motion.outputPath, 1));
    expect(meanDifference(motionStart, motionMiddle)).toBeGreaterThan(2);
  });

  it("styles every frame of a video (v2v), and the styles differ from each other", {
    timeout: 60_000,
  }, async () => {
    const sample = join(fixtures, "sample.mp4");
    // The whole 2 s input, at 480p (the 720p geometry is checked end to end).
    const full = await engine.render(
      request({
        model: "lucy-pro-v2v",
        task: "video-to-video",
        prompt: "anime",
        inputs: { data: sample },
        outputPath: join(directory, "v2v.mp4"),
      }),
    );
    const info = await probeVideo(full.outputPath);
    expect(info).toMatchObject({
      codec: "h264",
      pixelFormat: "yuv420p",
      width: 832,
      height: 480,
      frameRate: "25/1",
      frames: 50,
    });
    const styles = [
      "anime",
      "pencil sketch",
      "watercolor painting",
      "film noir",
      "vintage sepia",
      "cyberpunk neon",
      "pixel art",
    ];
    const results = await Promise.all(
      styles.map((prompt, index) =>
        engine.render(
          request({
            model: "lucy-pro-v2v",
            task: "video-to-video",
            maxDurationSeconds: 0.4,
            prompt,
            inputs: { data: sample },
            outputPath: join(directory, `v2v-${index}.mp4`),
          }),
        ),
      ),
    );
    expect(results.map((result) => result.frames)).toEqual(styles.map(() => 10));
    const frames = await Promise.all(
      results.map(async (result) => pixels(await videoFrame(result.outputPath, 0.2))),
    );
    for (let a = 0; a < frames.length; a++) {
      for (let b = a + 1; b < frames.length; b++)
        expect(
          meanDifference(frames[a] as Buffer, frames[b] as Buffer),
          `${styles[a]} vs ${styles[b]}`,
        ).toBeGreaterThan(6);
    }
    const image = await engine.render(
      request({
        model: "lucy-pro-i2i",
        kind: "image",
        task: "image-to-image",
        prompt: "anime",
        inputs: { data: join(fixtures, "sample.png") },
        outputPath: join(directory, "i2i.png"),
      }),
    );
    expect(await sharp(image.outputPath).metadata()).toMatchObject({
      format: "png",
      width: 832,
      height: 480,
    });
  });

  it("with one worker, renders asked for in the same tick run one after the other", async () => {
    const single = createProceduralEngine({ workers: 1 });
    try {
      const events: string[] = [];
      const render = (name: string) =>
        single.render(
          request({
            width: 160,
            height: 96,
            maxDurationSeconds: 1,
            outputPath: join(directory, `single-${name}.mp4`),
            onProgress: (fraction) => events.push(`${name}${fraction === 1 ? " done" : ""}`),
          }),
        );
      await Promise.all([render("a"), render("b")]);
      const firstDone = events.indexOf(events.find((event) => event.endsWith(" done")) ?? "");
      const before = new Set(events.slice(0, firstDone + 1).map((event) => event.split(" ")[0]));
      // The second render reported nothing before the first was done: one render at a time.
      expect([...before]).toHaveLength(1);
      expect(events.filter((event) => event.endsWith(" done"))).toHaveLength(2);
    } finally {
      await single.close?.();
    }
  });

  it("a render aborted as it finishes rejects with the reason and leaves no output", async () => {
    const controller = new AbortController();
    const outputPath = join(directory, "aborted-at-the-end.mp4");
    const reason = new Error("stopped at the end");
    const rendering = engine.render(
      request({
        width: 160,
        height: 96,
        maxDurationSeconds: 1,
        outputPath,
        signal: controller.signal,
        // The last progress report comes after the rename, just before the worker says it is done.
        onProgress: (fraction) => {
          if (fraction === 1) controller.abort(reason);
        },
      }),
    );
    await expect(rendering).rejects.toBe(reason);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(existsSync(outputPath)).toBe(false);
  });

  it("refuses a video too short for one frame", async () => {
    await expect(
      engine.render(request({ fps: 1, maxDurationSeconds: 0.4, outputPath: join(directory, "none.mp4") })),
    ).rejects.toThrow(/no whole frame/);
  });

  it("rejects corrupt or missing media with MediaInputError", async () => {
    const corrupt = join(directory, "corrupt.png");
    writeFileSync(corrupt, Buffer.from("not an image at all"));
    await expect(probeImage(corrupt)).rejects.toBeInstanceOf(MediaInputError);
    await expect(
      engine.render(
        request({
          task: "image-to-video",
          inputs: { data: corrupt },
          outputPath: join(directory, "bad.mp4"),
        }),
      ),
    ).rejects.toBeInstanceOf(MediaInputError);
    await expect(
      engine.render(
        request({
          task: "video-to-video",
          prompt: "anime",
          inputs: { data: corrupt },
          outputPath: join(directory, "bad2.mp4"),
        }),
      ),
    ).rejects.toSatisfy(MediaInputError.is);
    await expect(
      engine.render(
        request({
          kind: "image",
          task: "image-to-image",
          inputs: {},
          outputPath: join(directory, "bad.png"),
        }),
      ),
    ).rejects.toSatisfy(MediaInputError.is);
    expect(await probeImage(join(fixtures, "sample.png"))).toMatchObject({ format: "png" });
  });

  it("aborts mid-render: no progress after the rejection, no partial file, and keeps working", async () => {
    const controller = new AbortController();
    const outputPath = join(directory, "aborted", "aborted.mp4");
    let progressed!: () => void;
    let progressCalls = 0;
    const started = new Promise<void>((resolve) => (progressed = resolve));
    const rendering = engine.render(
      request({
        width: 1280,
        height: 704,
        outputPath,
        signal: controller.signal,
        onProgress: () => {
          progressCalls += 1;
          progressed();
        },
      }),
    );
    await started;
    controller.abort();
    await expect(rendering).rejects.toMatchObject({ name: "AbortError" });
    const callsAtRejection = progressCalls;
    expect(readdirSync(join(directory, "aborted"))).toEqual([]);
    const after = await engine.render(
      request({ kind: "image", task: "text-to-image", outputPath: join(directory, "after.png") }),
    );
    expect(existsSync(after.outputPath)).toBe(true);
    // The aborted render was stopped, not left running beside the next one.
    expect(progressCalls).toBe(callsAtRejection);
  });
});
