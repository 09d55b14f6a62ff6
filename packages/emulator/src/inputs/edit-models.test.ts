import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ModelDefinition } from "@decart/core";
import { models, outputSize } from "@decart/models";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProceduralEngine, MediaInputError, type RenderRequest } from "../engine/index.js";
import { probeVideo } from "../test-support/index.js";
import { taskOf } from "./render-plan.js";

// The editing models that followed the notes, rendered by the engine at each definition's geometry and
// frame rate. The task per model is the one the server assigns, from the model's declared task.

const fixtures = join(import.meta.dirname, "..", "..", "fixtures");
const sampleVideo = join(fixtures, "sample.mp4"); // 832×480, 2 s
const sampleImage = join(fixtures, "sample.png");
const directory = mkdtempSync(join(tmpdir(), "decart-edit-models-"));
const engine = createProceduralEngine({ workers: 2 });
const redReference = join(directory, "red.png");
const blueReference = join(directory, "blue.png");

function request(model: ModelDefinition, overrides: Partial<RenderRequest>): RenderRequest {
  const { width, height } = outputSize(model);
  return {
    model: model.name,
    kind: model.kind,
    task: taskOf(model),
    width,
    height,
    fps: model.fps ?? 25,
    maxDurationSeconds: model.maxDurationSeconds ?? 5,
    seed: 7,
    prompt: "",
    inputs: { data: model.kind === "video" ? sampleVideo : sampleImage },
    outputPath: join(directory, `${model.name}.${model.kind === "video" ? "mp4" : "png"}`),
    signal: new AbortController().signal,
    ...overrides,
  };
}

async function frameAt(path: string, seconds: number, width = 160, height = 90): Promise<Buffer> {
  const { execFile } = await import("node:child_process");
  const ffmpeg = (await import("@ffmpeg-installer/ffmpeg")).default.path as string;
  const out = `${path}.${seconds}.png`;
  await new Promise<void>((resolve, reject) =>
    execFile(
      ffmpeg,
      ["-v", "error", "-y", "-ss", String(seconds), "-i", path, "-frames:v", "1", out],
      (error) => (error ? reject(error) : resolve()),
    ),
  );
  return sharp(out).resize(width, height, { fit: "fill" }).removeAlpha().raw().toBuffer();
}

/** Mean of each channel. */
function means(pixels: Buffer): [number, number, number] {
  const sums = [0, 0, 0];
  for (let i = 0; i < pixels.length; i++) sums[i % 3] = (sums[i % 3] as number) + (pixels[i] as number);
  const count = pixels.length / 3;
  return sums.map((sum) => sum / count) as [number, number, number];
}

function meanDifference(a: Buffer, b: Buffer): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs((a[i] as number) - (b[i] as number));
  return sum / a.length;
}

/** Mean difference inside a rectangle given in fractions of the frame. */
function regionDifference(a: Buffer, b: Buffer, width: number, [x0, y0, x1, y1]: readonly number[]): number {
  const height = a.length / 3 / width;
  let sum = 0;
  let count = 0;
  for (let y = Math.floor((y0 as number) * height); y < Math.floor((y1 as number) * height); y++) {
    for (let x = Math.floor((x0 as number) * width); x < Math.floor((x1 as number) * width); x++) {
      for (let c = 0; c < 3; c++)
        sum += Math.abs((a[(y * width + x) * 3 + c] as number) - (b[(y * width + x) * 3 + c] as number));
      count += 3;
    }
  }
  return sum / count;
}

beforeAll(async () => {
  // A red and a blue reference, each with a pale stripe, as a garment photo would have.
  const stripe = (r: number, g: number, b: number) =>
    sharp({ create: { width: 200, height: 260, channels: 3, background: { r, g, b } } })
      .composite([
        {
          input: { create: { width: 200, height: 30, channels: 3, background: { r: 240, g: 240, b: 240 } } },
          top: 110,
          left: 0,
        },
      ])
      .png();
  await stripe(200, 30, 40).toFile(redReference);
  await stripe(30, 60, 210).toFile(blueReference);
});

afterAll(async () => {
  await engine.close?.();
  rmSync(directory, { recursive: true, force: true });
});

describe("the newer edit models through the engine", () => {
  const videoModels = [
    "lucy-clip",
    "lucy-restyle-2",
    "lucy-2.1",
    "lucy-2.5",
    "lucy-vton-2",
    "lucy-vton-3",
  ] as const;

  it("render each model at its geometry and frame rate, fps × duration frames (half a second)", {
    timeout: 120_000,
  }, async () => {
    const results = await Promise.all(
      videoModels.map(async (name) => {
        const model = models.video(name);
        const result = await engine.render(
          request(model, {
            prompt: name === "lucy-clip" ? "anime" : "",
            maxDurationSeconds: 0.5,
            inputs: { data: sampleVideo, reference_image: redReference },
          }),
        );
        return { name, model, result, probe: await probeVideo(result.outputPath) };
      }),
    );
    const expected = {
      "lucy-clip": [1280, 704, 25],
      "lucy-restyle-2": [1280, 704, 22],
      "lucy-2.1": [1088, 624, 20],
      "lucy-2.5": [1280, 720, 20],
      "lucy-vton-2": [1088, 624, 20],
      "lucy-vton-3": [1088, 624, 20],
    } as const;
    for (const { name, model, result, probe } of results) {
      const [width, height, fps] = expected[name];
      expect(model.fps, name).toBe(fps);
      const frames = Math.round(fps * 0.5);
      expect(result, name).toMatchObject({ contentType: "video/mp4", width, height, frames });
      expect(probe, name).toMatchObject({
        codec: "h264",
        pixelFormat: "yuv420p",
        width,
        height,
        frameRate: `${fps}/1`,
        frames,
      });
      expect(probe.durationSeconds, name).toBeCloseTo(0.5, 1);
    }
  });

  it("a whole clip is min(input, 5 s) at the model's rate: 2 s at 22 fps is 44 frames", {
    timeout: 60_000,
  }, async () => {
    const model = models.video("lucy-restyle-2");
    // The frame count is the point here, not the geometry (checked above): a smaller frame is cheaper.
    const result = await engine.render(
      request(model, { prompt: "watercolor painting", width: 832, height: 480 }),
    );
    expect(model.maxDurationSeconds).toBe(5);
    expect(await probeVideo(result.outputPath)).toMatchObject({
      width: 832,
      height: 480,
      frameRate: "22/1",
      frames: 44,
    });
  });

  it("lucy-image-2 renders a PNG at 720p and 480p", async () => {
    const model = models.image("lucy-image-2");
    const [large, small] = await Promise.all([
      engine.render(request(model, { prompt: "pencil sketch" })),
      engine.render(
        request(model, {
          prompt: "pencil sketch",
          ...outputSize(model, { resolution: "480p" }),
          outputPath: join(directory, "image-2-480p.png"),
        }),
      ),
    ]);
    expect(await sharp(large.outputPath).metadata()).toMatchObject({
      format: "png",
      width: 1280,
      height: 704,
    });
    expect(await sharp(small.outputPath).metadata()).toMatchObject({
      format: "png",
      width: 832,
      height: 480,
    });
  });

  it("a reference image steers the palette of an edit toward its colours", { timeout: 60_000 }, async () => {
    const model = models.video("lucy-2.1");
    const [plain, red, blue] = await Promise.all(
      [undefined, redReference, blueReference].map((reference, index) =>
        engine.render(
          request(model, {
            prompt: "make it brighter",
            maxDurationSeconds: 0.5,
            inputs: reference ? { data: sampleVideo, reference_image: reference } : { data: sampleVideo },
            outputPath: join(directory, `steer-${index}.mp4`),
          }),
        ),
      ),
    );
    const [plainFrame, redFrame, blueFrame] = await Promise.all(
      [plain, red, blue].map((result) => frameAt(result?.outputPath as string, 0.25)),
    );
    expect(meanDifference(plainFrame as Buffer, redFrame as Buffer)).toBeGreaterThan(8);
    expect(meanDifference(redFrame as Buffer, blueFrame as Buffer)).toBeGreaterThan(8);
    const [pr, , pb] = means(plainFrame as Buffer);
    const [rr, , rb] = means(redFrame as Buffer);
    const [br, , bb] = means(blueFrame as Buffer);
    expect(rr - rb).toBeGreaterThan(pr - pb + 10);
    expect(bb - br).toBeGreaterThan(pb - pr + 10);
  });

  it("a restyle from a reference image alone, and an image edit with one, take its colours", {
    timeout: 60_000,
  }, async () => {
    const restyle = await engine.render(
      request(models.video("lucy-restyle-2"), {
        maxDurationSeconds: 0.5,
        inputs: { data: sampleVideo, reference_image: blueReference },
        outputPath: join(directory, "restyle-ref.mp4"),
      }),
    );
    const [r, , b] = means(await frameAt(restyle.outputPath, 0.25));
    expect(b).toBeGreaterThan(r + 15);
    const image = models.image("lucy-image-2");
    const [plain, tinted] = await Promise.all([
      engine.render(request(image, { prompt: "vivid", outputPath: join(directory, "i2-plain.png") })),
      engine.render(
        request(image, {
          prompt: "vivid",
          inputs: { data: sampleImage, reference_image: redReference },
          outputPath: join(directory, "i2-red.png"),
        }),
      ),
    ]);
    const plainMeans = means(await sharp(plain.outputPath).removeAlpha().raw().toBuffer());
    const tintedMeans = means(await sharp(tinted.outputPath).removeAlpha().raw().toBuffer());
    expect(tintedMeans[0] - tintedMeans[2]).toBeGreaterThan(plainMeans[0] - plainMeans[2] + 10);
  });

  it("try-on composites the reference onto the torso and leaves the edges of the frame alone", {
    timeout: 60_000,
  }, async () => {
    const model = models.video("lucy-vton-3");
    const [bare, dressed] = await Promise.all([
      engine.render(
        request(model, {
          maxDurationSeconds: 0.5,
          inputs: { data: sampleVideo },
          outputPath: join(directory, "vton-bare.mp4"),
        }),
      ),
      engine.render(
        request(model, {
          maxDurationSeconds: 0.5,
          inputs: { data: sampleVideo, reference_image: redReference },
          outputPath: join(directory, "vton-red.mp4"),
        }),
      ),
    ]);
    const [bareFrame, dressedFrame] = await Promise.all([
      frameAt(bare.outputPath, 0.25),
      frameAt(dressed.outputPath, 0.25),
    ]);
    const torso = [0.4, 0.45, 0.6, 0.8];
    const edge = [0, 0, 0.25, 0.3];
    expect(regionDifference(bareFrame, dressedFrame, 160, torso)).toBeGreaterThan(30);
    expect(regionDifference(bareFrame, dressedFrame, 160, edge)).toBeLessThan(3);
  });

  it("unreadable reference images are the caller's error", async () => {
    const bad = join(directory, "bad.png");
    writeFileSync(bad, "not an image");
    for (const model of [models.video("lucy-2.5"), models.video("lucy-vton-2")]) {
      await expect(
        engine.render(
          request(model, {
            maxDurationSeconds: 0.2,
            inputs: { data: sampleVideo, reference_image: bad },
            outputPath: join(directory, "bad.mp4"),
          }),
        ),
      ).rejects.toSatisfy(
        (error: unknown) =>
          MediaInputError.is(error) && (error as MediaInputError).field === "reference_image",
      );
    }
  });
});
