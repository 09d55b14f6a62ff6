import { execFile } from "node:child_process";
import { openAsBlob } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createDecartClient, type DecartClient, InvalidInputError } from "@decart/core";
import { models, outputSize } from "@decart/models";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "./emulator";
import { resolveFfmpeg } from "./engine/index";
import { probeVideo, type VideoProbe } from "./test-support/index";

/** The video's facts, decoded by the engine's shared ffprobe helper (frames counted by decoding). */
async function probe(blob: Blob, directory: string): Promise<VideoProbe> {
  const path = join(directory, `probe-${Math.random().toString(16).slice(2)}.mp4`);
  await writeFile(path, new Uint8Array(await blob.arrayBuffer()));
  return probeVideo(path);
}

/** One frame at `seconds`, scaled to 160×90 RGB, decoded by the bundled ffmpeg. */
async function frameOf(blob: Blob, seconds: number, directory: string): Promise<Buffer> {
  const path = join(directory, `frame-${Math.random().toString(16).slice(2)}.mp4`);
  await writeFile(path, new Uint8Array(await blob.arrayBuffer()));
  const { stdout } = await promisify(execFile)(
    resolveFfmpeg(),
    [
      "-v",
      "error",
      "-ss",
      String(seconds),
      "-i",
      path,
      "-frames:v",
      "1",
      "-vf",
      "scale=160:90",
      "-f",
      "rawvideo",
      "-pix_fmt",
      "rgb24",
      "pipe:1",
    ],
    { encoding: "buffer", maxBuffer: 1 << 20 },
  );
  return stdout;
}

/** Mean absolute difference per channel of two 160×90 RGB frames inside [x0, y0, x1, y1] (fractions). */
function regionDifference(a: Buffer, b: Buffer, [x0, y0, x1, y1]: number[]): number {
  let sum = 0;
  let count = 0;
  for (let y = Math.floor(y0! * 90); y < Math.ceil(y1! * 90); y++) {
    for (let x = Math.floor(x0! * 160); x < Math.ceil(x1! * 160); x++) {
      for (let c = 0; c < 3; c++) sum += Math.abs(a[(y * 160 + x) * 3 + c]! - b[(y * 160 + x) * 3 + c]!);
      count += 3;
    }
  }
  return sum / count;
}

const fixtures = fileURLToPath(new URL("../fixtures/", import.meta.url));
const bytes = async (blob: Blob) => new Uint8Array(await blob.arrayBuffer());

describe("emulator end to end through @decart/core", () => {
  let emulator: Emulator;
  let client: DecartClient;
  let directory: string;
  let image: Blob;
  let otherImage: Blob;
  let video: Blob;

  const expectVideo = async (result: Blob, width: number, height: number, maxFrames = 125) => {
    expect(result.type).toBe("video/mp4");
    const info = await probe(result, directory);
    expect(info).toMatchObject({ codec: "h264", width, height, frameRate: "25/1", pixelFormat: "yuv420p" });
    expect(info.frames).toBeGreaterThan(0);
    expect(info.frames).toBeLessThanOrEqual(maxFrames);
    expect(info.durationSeconds).toBeCloseTo(info.frames / 25, 1);
    return info;
  };

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "emulator-e2e-"));
    emulator = await startEmulator();
    client = createDecartClient({ apiKey: emulator.apiKey, baseUrl: emulator.url });
    // The bundled fixtures, plus a second image made by the emulator itself.
    image = await openAsBlob(join(fixtures, "sample.png"), { type: "image/png" });
    video = await openAsBlob(join(fixtures, "sample.mp4"), { type: "video/mp4" });
    otherImage = await client.process({
      model: models.image("lucy-pro-t2i"),
      prompt: "Snowy mountains under a night sky",
      seed: 2,
    });
  }, 60_000);
  afterAll(async () => {
    await emulator.close();
    await rm(directory, { recursive: true, force: true });
  });

  it("lucy-pro-t2v: 720p landscape, 5 s at 25 fps", async () => {
    const result = await client.process({
      model: models.video("lucy-pro-t2v"),
      prompt: "A serene lake at sunset with mountains in the background",
      seed: 42,
      resolution: "720p",
      orientation: "landscape",
    });
    const info = await expectVideo(result, 1280, 704);
    expect(info).toMatchObject({
      frames: 125,
      colorPrimaries: "bt709",
      colorTransfer: "bt709",
      colorSpace: "bt709",
    });
    expect(info.durationSeconds).toBeCloseTo(5, 1);
  });

  it("lucy-pro-t2v: 480p portrait, byte-identical for the same seed", async () => {
    const options = {
      model: models.video("lucy-pro-t2v"),
      prompt: "A forest at dawn",
      seed: 5,
      resolution: "480p",
      orientation: "portrait",
    } as const;
    const [first, second] = await Promise.all([client.process(options), client.process(options)]);
    expect((await expectVideo(first, 480, 832)).frames).toBe(125);
    expect(await bytes(second)).toEqual(await bytes(first));
  });

  it("lucy-pro-i2v and lucy-dev-i2v animate the input image", async () => {
    const [pro, dev] = await Promise.all([
      client.process({
        model: models.video("lucy-pro-i2v"),
        prompt: "Animate with gentle motion and wind",
        data: image,
        seed: 123,
        resolution: "480p",
      }),
      client.process({ model: models.video("lucy-dev-i2v"), prompt: "Slow push in", data: image, seed: 9 }),
    ]);
    await expectVideo(pro, 832, 480);
    await expectVideo(dev, 1280, 704);
  });

  it("lucy-pro-v2v and lucy-fast-v2v restyle the input video", async () => {
    const [pro, fast] = await Promise.all([
      client.process({
        model: models.video("lucy-pro-v2v"),
        prompt: "Convert to anime style with vibrant colors",
        data: video,
        enhance_prompt: true,
        num_inference_steps: 8,
      }),
      client.process({ model: models.video("lucy-fast-v2v"), prompt: "A pencil sketch", data: video }),
    ]);
    await expectVideo(pro, 1280, 704);
    await expectVideo(fast, 1280, 704);
  });

  it("lucy-pro-flf2v and lucy-motion", async () => {
    const [flf, motion] = await Promise.all([
      client.process({
        model: models.video("lucy-pro-flf2v"),
        prompt: "A smooth transition",
        start: image,
        end: otherImage,
        seed: 4,
        resolution: "480p",
      }),
      client.process({
        model: models.video("lucy-motion"),
        data: image,
        trajectory: [
          { frame: 0, x: 100, y: 100 },
          { frame: 60, x: 600, y: 300 },
          { frame: 120, x: 1100, y: 500 },
        ],
        seed: 6,
      }),
    ]);
    await expectVideo(flf, 832, 480);
    await expectVideo(motion, 1280, 704);
  });

  it("lucy-pro-t2i: a portrait PNG, deterministic, different prompts differ", async () => {
    const options = {
      model: models.image("lucy-pro-t2i"),
      prompt: "A futuristic cityscape at night with neon lights",
      seed: 42,
      orientation: "portrait",
      resolution: "720p",
    } as const;
    const [first, second, other] = await Promise.all([
      client.process(options),
      client.process(options),
      client.process({ ...options, prompt: "A quiet desert at noon" }),
    ]);
    expect(first.type).toBe("image/png");
    const metadata = await sharp(await bytes(first)).metadata();
    expect(metadata).toMatchObject({ format: "png", width: 704, height: 1280 });
    expect(await bytes(second)).toEqual(await bytes(first));
    const [a, b] = await Promise.all(
      [first, other].map(async (blob) =>
        sharp(await bytes(blob))
          .resize(64, 64)
          .raw()
          .toBuffer(),
      ),
    );
    let difference = 0;
    for (let index = 0; index < a!.length; index++) difference += Math.abs(a![index]! - b![index]!);
    expect(difference / a!.length).toBeGreaterThan(10);
  });

  it("lucy-pro-i2i: restyles the input image at the model's geometry", async () => {
    const result = await client.process({
      model: models.image("lucy-pro-i2i"),
      prompt: "A watercolor painting",
      data: image,
      resolution: "480p",
    });
    const metadata = await sharp(await bytes(result)).metadata();
    expect(metadata).toMatchObject({ format: "png", width: 832, height: 480 });
  });

  it("the newer editing models and an alias, at their own geometry and rate; try-on dresses the torso", async () => {
    const edit = { prompt: "", data: video, reference_image: image, seed: 2 } as const;
    const [snow, plain, tryOn, imageEdit] = await Promise.all([
      client.process({ model: models.video("lucy-2.5"), ...edit, prompt: "Make it snow", seed: 1 }),
      client.process({ model: models.video("lucy-2.1"), ...edit }),
      client.process({ model: models.video("lucy-vton-latest"), ...edit }),
      client.process({
        model: models.image("lucy-image-2"),
        prompt: "Make it winter",
        data: image,
        resolution: "480p",
      }),
    ]);
    expect(await probe(snow, directory)).toMatchObject({
      codec: "h264",
      width: 1280,
      height: 720,
      frameRate: "20/1",
      frames: 40,
    });
    for (const [result, name] of [
      [plain, "lucy-2.1"],
      [tryOn, "lucy-vton-latest"],
    ] as const) {
      expect(await probe(result, directory), name).toMatchObject({
        codec: "h264",
        ...outputSize(models.video(name)),
        frameRate: "20/1",
        frames: 40,
      });
    }
    expect(await sharp(await bytes(imageEdit)).metadata()).toMatchObject({
      format: "png",
      width: 832,
      height: 480,
    });
    // The same inputs: a try-on model composites the reference onto the torso (the middle third across,
    // shoulders to hips), which a plain lucy-2.1 edit only tints.
    const [plainFrame, tryOnFrame] = await Promise.all([
      frameOf(plain, 1, directory),
      frameOf(tryOn, 1, directory),
    ]);
    expect(regionDifference(plainFrame, tryOnFrame, [0.4, 0.45, 0.6, 0.8])).toBeGreaterThan(20);
  });

  it("answers a corrupt video or image 422 and keeps serving", async () => {
    const post = (model: string, data: Blob) => {
      const body = new FormData();
      body.append("prompt", "anime");
      body.append("data", data, "upload.bin");
      return fetch(`${emulator.url}/v1/generate/${model}`, {
        method: "POST",
        headers: { "x-api-key": emulator.apiKey },
        body,
      });
    };
    const notAVideo = new Blob([new TextEncoder().encode("this is not a video ".repeat(500))], {
      type: "video/mp4",
    });
    const truncated = new Blob([(await bytes(video)).subarray(0, 4000)], { type: "video/mp4" });
    const notAnImage = new Blob([new TextEncoder().encode("GIF89a but not really")], { type: "image/gif" });
    for (const [model, data] of [
      ["lucy-pro-v2v", notAVideo],
      ["lucy-fast-v2v", truncated],
      ["lucy-pro-i2v", notAnImage],
      ["lucy-pro-i2i", notAnImage],
    ] as const) {
      const response = await post(model, data);
      expect(response.status, model).toBe(422);
      const body = (await response.json()) as { detail: string; code: string };
      expect(body.code).toBe("INVALID_INPUT");
      expect(body.detail).toMatch(new RegExp(`^Invalid inputs for ${model}: `));
      expect(body.detail).not.toMatch(/decart-emulator-|upload-\d/);
    }
    const health = await fetch(`${emulator.url}/v1/health`, { headers: { "x-api-key": emulator.apiKey } });
    expect(await health.json()).toMatchObject({ status: "ok", active: 0 });
  });

  it("answers a corrupt video 422 when a job is submitted, not later when it renders", async () => {
    const truncated = new Blob([(await bytes(video)).subarray(0, 4000)], { type: "video/mp4" });
    const garbage = new Blob([new Uint8Array(20_000).fill(7)], { type: "video/mp4" });
    for (const data of [truncated, garbage]) {
      const body = new FormData();
      body.append("prompt", "anime");
      body.append("data", data, "upload.mp4");
      const response = await fetch(`${emulator.url}/v1/jobs/lucy-pro-v2v`, {
        method: "POST",
        headers: { "x-api-key": emulator.apiKey },
        body,
      });
      expect(response.status).toBe(422);
      const answer = (await response.json()) as { detail: string; code: string };
      expect(answer.code).toBe("INVALID_INPUT");
      expect(answer.detail).toMatch(/^Invalid inputs for lucy-pro-v2v: could not decode the data video/);
      expect(answer.detail).not.toMatch(/decart-emulator-|upload-\d/);
    }
    await expect(
      client.queue.submit({ model: models.video("lucy-pro-v2v"), prompt: "anime", data: truncated }),
    ).rejects.toBeInstanceOf(InvalidInputError);
    // A good video still submits, and a job's try-on video is a video, not an image.
    const { job_id } = await client.queue.submit({
      model: models.video("lucy-vton-3"),
      prompt: "",
      data: video,
      reference_image: image,
    });
    expect(job_id).toMatch(/\S/);
    await client.queue.cancel(job_id);
  });
});
