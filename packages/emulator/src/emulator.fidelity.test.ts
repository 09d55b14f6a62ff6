import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { readErrorBody, readJobStatus } from "@decart/core/protocol";
import { models, outputSize } from "@decart/models";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "./emulator";
import type { Engine, RenderRequest } from "./engine/index";
import { resolveFfmpeg } from "./engine/index";
import { probeVideo } from "./test-support/index";

// How the emulator answers in its two modes, and how it reads the encodings of Decart's other clients.

const fixtures = fileURLToPath(new URL("../fixtures/", import.meta.url));

/** An engine that records each request, waits until released (or aborted), and writes a marker file. */
function recordingEngine() {
  const requests: RenderRequest[] = [];
  let release: () => void = () => {};
  let gate = Promise.resolve();
  const engine: Engine = {
    async render(request) {
      requests.push(request);
      const waiting = gate;
      await new Promise<void>((resolve, reject) => {
        void waiting.then(resolve);
        request.signal.addEventListener("abort", () => reject(request.signal.reason));
      });
      await writeFile(request.outputPath, `${request.model}|${request.seed}`);
      return {
        outputPath: request.outputPath,
        contentType: request.kind === "video" ? "video/mp4" : "image/png",
        width: request.width,
        height: request.height,
      };
    },
  };
  return {
    engine,
    requests,
    /** Holds every render from now until `open()`. */
    hold() {
      gate = new Promise((resolve) => (release = resolve));
    },
    open: () => release(),
  };
}

/** One part of a hand-built multipart body. `filename: null` leaves the filename out. */
interface Part {
  name: string;
  value: string | Uint8Array;
  filename?: string | null;
  contentType?: string;
}

/** A multipart body exactly as given: the encodings `FormData` never produces (Python's among them). */
function multipart(parts: readonly Part[]): { body: Buffer; contentType: string } {
  const boundary = "----fidelity7f3a";
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const filename = part.filename ? `; filename="${part.filename}"` : "";
    const type = part.contentType ? `\r\nContent-Type: ${part.contentType}` : "";
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${filename}${type}\r\n\r\n`,
      ),
      Buffer.from(part.value),
      Buffer.from("\r\n"),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** A text part as Decart's Python SDK 0.1.x sends it. */
const pythonText = (name: string, value: string): Part => ({
  name,
  value,
  contentType: "text/plain; charset=utf-8",
});

/** A file part as Decart's Python SDK sends it: raw bytes, octet-stream, named by the field (or not at all). */
const pythonFile = (name: string, value: Uint8Array, filename: string | null = name): Part => ({
  name,
  value,
  filename,
  contentType: "application/octet-stream",
});

function client(emulator: Emulator) {
  const headers = (extra: Record<string, string> = {}) => ({ "x-api-key": emulator.apiKey, ...extra });
  return {
    get: (path: string) => fetch(`${emulator.url}${path}`, { headers: headers() }),
    post: (path: string, parts: readonly Part[] = [], extra: Record<string, string> = {}) => {
      const { body, contentType } = multipart(parts);
      return fetch(`${emulator.url}${path}`, {
        method: "POST",
        headers: headers({ "content-type": contentType, ...extra }),
        body: new Uint8Array(body),
      });
    },
  };
}

describe("faithful and strict modes", () => {
  const recorder = recordingEngine();
  let faithful: Emulator;
  let strict: Emulator;
  let png: Uint8Array;
  let mp4: Uint8Array;

  beforeAll(async () => {
    [faithful, strict] = await Promise.all([
      startEmulator({ engine: recorder.engine }),
      startEmulator({ engine: recorder.engine, extensions: false }),
    ]);
    png = await readFile(join(fixtures, "sample.png"));
    mp4 = await readFile(join(fixtures, "sample.mp4"));
  });
  afterAll(async () => {
    recorder.open();
    await Promise.all([faithful.close(), strict.close()]);
  });

  const untilStatus = async (emulator: Emulator, jobId: string, status: string) => {
    let body: Record<string, unknown> = {};
    for (let attempt = 0; attempt < 500 && body.status !== status; attempt++) {
      body = await (await client(emulator).get(`/v1/jobs/${jobId}`)).json();
      if (body.status !== status) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(body.status).toBe(status);
    return body;
  };

  it("error bodies are FastAPI's detail, with code beside it only when extensions are on", async () => {
    for (const [emulator, withCode] of [
      [faithful, true],
      [strict, false],
    ] as const) {
      const noKey = await fetch(`${emulator.url}/v1/jobs/job_abc123`);
      const unknownRoute = await client(emulator).get("/v1/nothing/here");
      const invalid = await client(emulator).post("/v1/jobs/lucy-pro-i2v", [pythonText("prompt", "x")]);
      for (const [response, status, code, detail] of [
        [noKey, 401, "INVALID_API_KEY", "Missing or wrong API key; send it in the X-API-KEY header"],
        [unknownRoute, 404, "NOT_FOUND", "Not Found"],
        [invalid, 400, "INVALID_INPUT", "Invalid inputs for lucy-pro-i2v: data is required"],
      ] as const) {
        expect(response.status).toBe(status);
        expect(response.headers.get("x-request-id")).toMatch(/^req_/);
        const text = await response.text();
        expect(JSON.parse(text)).toEqual(withCode ? { detail, code } : { detail });
        // The protocol's reader (the client's) gets the message back once.
        expect(readErrorBody(text, "application/json").message).toBe(detail);
      }
    }
  });

  it("the cancel route exists only with extensions; strict answers it 404 like any unknown route", async () => {
    const notFound = await (await client(strict).get("/v1/nothing/here")).json();
    for (const method of ["POST", "GET"]) {
      const response = await fetch(`${strict.url}/v1/jobs/job_abc123/cancel`, {
        method,
        headers: { "x-api-key": strict.apiKey },
      });
      expect(response.status, method).toBe(404);
      expect(await response.json()).toEqual(notFound);
    }
    const faithfulCancel = await client(faithful).post("/v1/jobs/job_abc123/cancel");
    expect(faithfulCancel.status).toBe(404);
    expect(await faithfulCancel.json()).toMatchObject({ code: "JOB_NOT_FOUND" });
  });

  it("a cancelled job is failed with cancelled: true (faithful); strict has no way to cancel, the job completes", async () => {
    recorder.hold();
    const submitted = await client(faithful).post("/v1/jobs/lucy-pro-t2v", [pythonText("prompt", "a lake")]);
    const { job_id } = (await submitted.json()) as { job_id: string };
    const processing = await untilStatus(faithful, job_id, "processing");
    expect(processing).toEqual({ job_id, status: "processing", progress: 0 });
    const cancel = await client(faithful).post(`/v1/jobs/${job_id}/cancel`);
    const expected = {
      job_id,
      status: "failed",
      progress: 0,
      error: "Cancelled by the client",
      cancelled: true,
    };
    expect(await cancel.json()).toEqual(expected);
    expect(await (await client(faithful).get(`/v1/jobs/${job_id}`)).json()).toEqual(expected);
    // Official clients stop at "failed"; the SDK's reader tells it was a cancel.
    expect(readJobStatus(expected)).toMatchObject({ status: "cancelled" });

    const strictJob = (await (
      await client(strict).post("/v1/jobs/lucy-pro-t2v", [pythonText("prompt", "a lake")])
    ).json()) as { job_id: string };
    expect(Object.keys(strictJob).sort()).toEqual(["job_id", "status"]);
    expect(await untilStatus(strict, strictJob.job_id, "processing")).toEqual({
      job_id: strictJob.job_id,
      status: "processing",
    });
    expect((await client(strict).post(`/v1/jobs/${strictJob.job_id}/cancel`)).status).toBe(404);
    recorder.open();
    expect(await untilStatus(strict, strictJob.job_id, "completed")).toEqual({
      job_id: strictJob.job_id,
      status: "completed",
    });
    const content = await client(strict).get(`/v1/jobs/${strictJob.job_id}/content`);
    expect(content.status).toBe(200);
    expect(content.headers.get("x-decart-seed")).toBeNull();
    expect(await content.text()).toMatch(/^lucy-pro-t2v\|\d+$/);
  });

  it("x-decart-seed is sent only with extensions", async () => {
    const parts = [pythonText("prompt", "a lighthouse"), pythonText("seed", "9")];
    const withSeed = await client(faithful).post("/v1/generate/lucy-pro-t2i", parts);
    expect(withSeed.headers.get("x-decart-seed")).toBe("9");
    const without = await client(strict).post("/v1/generate/lucy-pro-t2i", parts);
    expect(without.status).toBe(200);
    expect(without.headers.get("x-decart-seed")).toBeNull();
    expect(await without.text()).toBe("lucy-pro-t2i|9");
  });

  it("Idempotency-Key returns the same job with extensions and is ignored without them", async () => {
    const submit = async (emulator: Emulator, key: string) => {
      const response = await client(emulator).post("/v1/jobs/lucy-pro-t2v", [pythonText("prompt", "keyed")], {
        "idempotency-key": key,
      });
      expect(response.status).toBe(200);
      return ((await response.json()) as { job_id: string }).job_id;
    };
    expect(await submit(faithful, "key-1")).toBe(await submit(faithful, "key-1"));
    const first = await submit(strict, "key-1");
    expect(await submit(strict, "key-1")).not.toBe(first);
    // Strict does not even look at it: a key the extension would refuse is no error.
    expect(await submit(strict, "\u00e9".repeat(300))).toMatch(/\S/);
    const refused = await client(faithful).post("/v1/jobs/lucy-pro-t2v", [pythonText("prompt", "x")], {
      "idempotency-key": "x".repeat(300),
    });
    expect(refused.status).toBe(400);
  });

  it("reads Python's encodings: True, octet-stream files named by field or unnamed, typed text parts, any order", async () => {
    const before = recorder.requests.length;
    const response = await client(faithful).post("/v1/jobs/lucy-pro-v2v", [
      pythonFile("data", mp4),
      pythonText("enhance_prompt", "True"),
      pythonText("num_inference_steps", "50"),
      pythonText("seed", "42"),
      pythonText("prompt", "Convert to anime style with vibrant colors"),
      pythonFile("reference_image", png, null),
    ]);
    expect(response.status).toBe(200);
    const motion = await client(strict).post("/v1/jobs/lucy-motion", [
      pythonText(
        "trajectory",
        "[{'frame': 0, 'x': 10.0, 'y': 20.0}, {'frame': 24.5, 'x': 100.0, 'y': 50.5}]",
      ),
      pythonFile("data", png, null),
    ]);
    expect(motion.status).toBe(200);
    // A text field sent dressed as a file is FastAPI's 422 (a `Form(str)` field takes no file part)…
    const dressed = await client(strict).post("/v1/generate/lucy-pro-i2i", [
      { name: "prompt", value: "sketch", filename: "prompt", contentType: "text/plain; charset=utf-8" },
      pythonText("enhance_prompt", "off"),
      pythonFile("data", png),
    ]);
    expect(dressed.status).toBe(422);
    expect(await dressed.json()).toEqual({
      detail: [{ type: "string_type", loc: ["body", "prompt"], msg: "Input should be a valid string" }],
    });
    // …and plain, with its lenient boolean, it is served.
    const plain = await client(faithful).post("/v1/generate/lucy-pro-i2i", [
      pythonText("prompt", "sketch"),
      pythonText("enhance_prompt", "off"),
      pythonFile("data", png),
    ]);
    expect(plain.status).toBe(200);
    const rendered = (model: string) => {
      const found = recorder.requests.slice(before).find((request) => request.model === model);
      return found ? Promise.resolve(found) : undefined;
    };
    for (let attempt = 0; attempt < 500 && !rendered("lucy-motion"); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const [v2v, lucyMotion, i2i] = await Promise.all(
      ["lucy-pro-v2v", "lucy-motion", "lucy-pro-i2i"].map((model) => rendered(model)),
    );
    expect(v2v).toMatchObject({
      model: "lucy-pro-v2v",
      task: "video-to-video",
      prompt: "Convert to anime style with vibrant colors",
      enhancePrompt: true,
      numInferenceSteps: 50,
      seed: 42,
      inputs: { data: expect.any(String), reference_image: expect.any(String) },
    });
    expect(lucyMotion).toMatchObject({
      task: "motion",
      trajectory: [
        { frame: 0, x: 10, y: 20 },
        { frame: 24.5, x: 100, y: 50.5 },
      ],
    });
    expect(i2i).toMatchObject({ task: "image-to-image", prompt: "sketch", enhancePrompt: false });
  });

  it("accepts pydantic's boolean words and refuses others", async () => {
    for (const [word, value] of [
      ["true", true],
      ["TRUE", true],
      ["1", true],
      ["yes", true],
      ["on", true],
      ["False", false],
      ["0", false],
      ["no", false],
    ] as const) {
      const before = recorder.requests.length;
      const response = await client(strict).post("/v1/generate/lucy-pro-i2i", [
        pythonFile("data", png),
        pythonText("prompt", "x"),
        pythonText("enhance_prompt", word),
      ]);
      expect(response.status, word).toBe(200);
      expect(recorder.requests[before]?.enhancePrompt, word).toBe(value);
    }
    const maybe = await client(strict).post("/v1/generate/lucy-pro-i2i", [
      pythonFile("data", png),
      pythonText("prompt", "x"),
      pythonText("enhance_prompt", "maybe"),
    ]);
    expect(maybe.status).toBe(400);
    expect((await maybe.json()).detail).toMatch(/^Invalid inputs for lucy-pro-i2i: enhance_prompt /);
  });

  it("sniffs octet-stream uploads: a video where an image is expected (or the reverse) is a clear 422", async () => {
    const cases = [
      [
        "lucy-pro-i2v",
        "data",
        mp4,
        "application/octet-stream",
        "data must be an image, but the upload is a video (MP4)",
      ],
      ["lucy-pro-i2v", "data", mp4, "image/png", "data must be an image, but the upload is a video (MP4)"],
      [
        "lucy-pro-v2v",
        "data",
        png,
        "application/octet-stream",
        "data must be a video, but the upload is an image (PNG)",
      ],
    ] as const;
    for (const [model, field, bytes, type, clause] of cases) {
      const response = await client(faithful).post(`/v1/jobs/${model}`, [
        pythonText("prompt", "x"),
        { name: field, value: bytes, filename: "upload", contentType: type },
      ]);
      expect(response.status, `${model} ${type}`).toBe(422);
      expect(await response.json()).toEqual({
        detail: `Invalid inputs for ${model}: ${clause}`,
        code: "INVALID_INPUT",
      });
    }
    const text = await client(faithful).post("/v1/jobs/lucy-pro-i2v", [
      pythonText("prompt", "x"),
      pythonText("data", "https://example.com/cat.png"),
    ]);
    expect(text.status).toBe(422);
    expect((await text.json()).detail).toEqual([
      {
        type: "value_error",
        loc: ["body", "data"],
        msg: "Value error, Expected UploadFile, received: <class 'str'>",
        input: "https://example.com/cat.png",
        ctx: expect.any(Object),
      },
    ]);
  });
});

describe("Python-style requests rendered by the procedural engine", () => {
  let emulator: Emulator;
  let directory: string;
  let png: Uint8Array;
  let shortClip: Uint8Array;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "emulator-fidelity-"));
    // A 0.4 s cut of the fixture keeps the render short.
    const clip = join(directory, "short.mp4");
    await promisify(execFile)(resolveFfmpeg(), [
      ...["-v", "error", "-i", join(fixtures, "sample.mp4"), "-t", "0.4", "-an"],
      ...["-c:v", "libx264", "-pix_fmt", "yuv420p", clip],
    ]);
    [emulator, png, shortClip] = await Promise.all([
      startEmulator({ extensions: false, limits: { maxConcurrentJobs: 1 } }),
      readFile(join(fixtures, "sample.png")),
      readFile(clip),
    ]);
  }, 60_000);
  afterAll(async () => {
    await emulator?.close();
    await rm(directory, { recursive: true, force: true });
  });

  it("lucy-pro-i2i: an unnamed octet-stream image and True make a PNG at the model's geometry", async () => {
    const response = await client(emulator).post("/v1/generate/lucy-pro-i2i", [
      pythonFile("data", png, null),
      pythonText("prompt", "Turn it into a watercolor painting"),
      pythonText("enhance_prompt", "True"),
      pythonText("seed", "7"),
    ]);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/png");
    const { width, height, format } = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
    expect({ width, height, format }).toEqual({ ...outputSize(models.image("lucy-pro-i2i")), format: "png" });
  });

  it("lucy-pro-v2v: an octet-stream video named by its field becomes a job whose MP4 decodes", async () => {
    const submitted = await client(emulator).post("/v1/jobs/lucy-pro-v2v", [
      pythonFile("data", shortClip),
      pythonText("prompt", "Convert to anime style with vibrant colors"),
      pythonText("enhance_prompt", "True"),
      pythonText("num_inference_steps", "50"),
    ]);
    expect(submitted.status).toBe(200);
    const { job_id } = (await submitted.json()) as { job_id: string };
    let status = "pending";
    while (status === "pending" || status === "processing") {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = ((await (await client(emulator).get(`/v1/jobs/${job_id}`)).json()) as { status: string })
        .status;
    }
    expect(status).toBe("completed");
    const content = await client(emulator).get(`/v1/jobs/${job_id}/content`);
    expect(content.headers.get("content-type")).toBe("video/mp4");
    const path = join(directory, "v2v.mp4");
    await writeFile(path, Buffer.from(await content.arrayBuffer()));
    const info = await probeVideo(path);
    expect(info).toMatchObject({
      codec: "h264",
      pixelFormat: "yuv420p",
      ...outputSize(models.video("lucy-pro-v2v")),
    });
    expect(info.frames).toBeGreaterThan(0);
    expect(info.frames).toBeLessThanOrEqual(12);
  });
});
