import { InvalidInputError } from "@decart/core";
import { describe, expect, it } from "vitest";
import { models } from "./models";
import { validateInputs } from "./validate";

const image = new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], { type: "image/png" });
const video = new Blob([new Uint8Array(16)], { type: "video/mp4" });
const path = [
  { frame: 0, x: 100, y: 300 },
  { frame: 120, x: 1100, y: 300 },
];

/** Minimal valid inputs of each model, its task, its file fields and the longest prompt it takes. */
const cases = {
  "lucy-pro-t2v": {
    kind: "video",
    task: "text-to-video",
    minimal: { prompt: "A lake" },
    files: {},
    promptMax: 1000,
  },
  "lucy-pro-i2v": {
    kind: "video",
    task: "image-to-video",
    minimal: { prompt: "Wind", data: image },
    files: { data: "image" },
    promptMax: 1000,
  },
  "lucy-dev-i2v": {
    kind: "video",
    task: "image-to-video",
    minimal: { prompt: "Wind", data: image },
    files: { data: "image" },
    promptMax: 1000,
  },
  "lucy-pro-v2v": {
    kind: "video",
    task: "video-to-video",
    minimal: { prompt: "Anime", data: video },
    files: { data: "video", reference_image: "image" },
    promptMax: undefined,
  },
  "lucy-fast-v2v": {
    kind: "video",
    task: "video-to-video",
    minimal: { prompt: "Anime", data: video },
    files: { data: "video" },
    promptMax: 1000,
  },
  "lucy-pro-flf2v": {
    kind: "video",
    task: "frames-to-video",
    minimal: { prompt: "Dusk", start: image, end: image },
    files: { start: "image", end: "image" },
    promptMax: 1000,
  },
  "lucy-motion": {
    kind: "video",
    task: "motion",
    minimal: { data: image, trajectory: path },
    files: { data: "image" },
    promptMax: undefined,
  },
  "lucy-pro-t2i": {
    kind: "image",
    task: "text-to-image",
    minimal: { prompt: "A city" },
    files: {},
    promptMax: 1000,
  },
  "lucy-pro-i2i": {
    kind: "image",
    task: "image-to-image",
    minimal: { prompt: "Sketch", data: image },
    files: { data: "image", reference_image: "image" },
    promptMax: 1000,
  },
} as const;

/** The fields each model takes: SPEC 5, plus `reference_image` where the API takes it (PROTOCOL). */
const fields = {
  "lucy-pro-t2v": ["prompt", "seed", "resolution", "orientation"],
  "lucy-pro-i2v": ["prompt", "data", "seed", "resolution"],
  "lucy-dev-i2v": ["prompt", "data", "seed", "resolution"],
  "lucy-pro-v2v": [
    "prompt",
    "data",
    "reference_image",
    "seed",
    "resolution",
    "enhance_prompt",
    "num_inference_steps",
  ],
  "lucy-fast-v2v": ["prompt", "data", "seed", "resolution", "enhance_prompt"],
  "lucy-pro-flf2v": ["prompt", "start", "end", "seed", "resolution"],
  "lucy-motion": ["data", "trajectory", "seed", "resolution"],
  "lucy-pro-t2i": ["prompt", "seed", "resolution", "orientation"],
  "lucy-pro-i2i": ["prompt", "data", "reference_image", "seed", "resolution", "enhance_prompt"],
} as const;

const names = Object.keys(cases) as Array<keyof typeof cases>;

async function messageFor(name: keyof typeof cases, inputs: unknown): Promise<string> {
  const result = await validateInputs(models.get(name), inputs);
  if (result.success) throw new Error(`expected ${name} to reject ${JSON.stringify(inputs)}`);
  expect(result.error).toBeInstanceOf(InvalidInputError);
  return result.error.message;
}

describe.each(names)("%s", (name) => {
  const model = models.get(name);
  const { kind, task, minimal, files, promptMax } = cases[name];

  it("describes itself: name, kind, task, endpoints, output type, frame rate, file kinds", () => {
    expect(model.name).toBe(name);
    expect(model.kind).toBe(kind);
    expect(model.task).toBe(task);
    expect(model.endpoints).toEqual({ generate: `/v1/generate/${name}`, jobs: `/v1/jobs/${name}` });
    expect(model.outputType).toBe(kind === "video" ? "video/mp4" : "image/png");
    expect(model.fps).toBe(kind === "video" ? 25 : undefined);
    expect(model.maxDurationSeconds).toBe(kind === "video" ? 5 : undefined);
    expect(model.fileFields).toEqual(files);
  });

  it("accepts its minimal inputs and adds nothing to them (no resolution or orientation by default)", async () => {
    const result = await validateInputs(model, minimal);
    expect(result.error).toBeUndefined();
    expect(result.value).toEqual(minimal);
  });

  it("accepts every optional field it documents", async () => {
    const full: Record<string, unknown> = { ...minimal, seed: 4_294_967_295, resolution: "720p" };
    if (fields[name].includes("orientation" as never)) full.orientation = "portrait";
    if (fields[name].includes("enhance_prompt" as never)) full.enhance_prompt = false;
    if (fields[name].includes("num_inference_steps" as never)) full.num_inference_steps = 50;
    if (fields[name].includes("reference_image" as never)) full.reference_image = image;
    const result = await validateInputs(model, full);
    expect(result.error).toBeUndefined();
    expect(result.value).toEqual(full);
  });

  it("names every missing required field", async () => {
    const required = Object.keys(minimal);
    expect(await messageFor(name, {})).toBe(
      `Invalid inputs for ${name}: ${required.map((field) => `${field} is required`).join("; ")}`,
    );
  });

  it("rejects an unknown field instead of dropping it", async () => {
    expect(await messageFor(name, { ...minimal, promt: "typo" })).toBe(
      `Invalid inputs for ${name}: unknown field promt`,
    );
  });

  it("takes any number as a seed, as the API does, and nothing else", async () => {
    for (const seed of [0, 42, 4_294_967_295, 2 ** 40, -1, 1.5]) {
      expect((await validateInputs(model, { ...minimal, seed })).value).toEqual({ ...minimal, seed });
    }
    expect(await messageFor(name, { ...minimal, seed: "42" })).toBe(
      `Invalid inputs for ${name}: seed must be a number`,
    );
  });

  it("offers only its resolutions, with matching geometry", async () => {
    const offered = Object.keys(model.geometry);
    const expected = ["lucy-dev-i2v", "lucy-pro-v2v", "lucy-fast-v2v", "lucy-motion"].includes(name)
      ? ["720p"]
      : ["720p", "480p"];
    expect(offered).toEqual(expected);
    expect(model.geometry["720p"]).toEqual({ width: 1280, height: 704 });
    if (expected.includes("480p")) expect(model.geometry["480p"]).toEqual({ width: 832, height: 480 });
    const clause = expected.length === 1 ? "resolution must be 720p" : "resolution must be one of 720p, 480p";
    expect(await messageFor(name, { ...minimal, resolution: "1080p" })).toBe(
      `Invalid inputs for ${name}: ${clause}`,
    );
  });

  if ("prompt" in minimal) {
    it(`takes a prompt of 1 to ${promptMax ?? "any number of"} characters`, async () => {
      expect(await messageFor(name, { ...minimal, prompt: "" })).toBe(
        `Invalid inputs for ${name}: prompt must not be empty`,
      );
      expect(await messageFor(name, { ...minimal, prompt: 42 })).toBe(
        `Invalid inputs for ${name}: prompt must be a string`,
      );
      if (promptMax === undefined) {
        expect((await validateInputs(model, { ...minimal, prompt: "x".repeat(20_000) })).success).toBe(true);
        return;
      }
      expect(await messageFor(name, { ...minimal, prompt: "x".repeat(promptMax + 1) })).toBe(
        `Invalid inputs for ${name}: prompt must be at most ${promptMax} characters`,
      );
      expect((await validateInputs(model, { ...minimal, prompt: "x".repeat(promptMax) })).success).toBe(true);
    });
  }

  for (const field of ["data", "start", "end", "reference_image"] as const) {
    if (!(field in files)) continue;
    it(`takes any file input as ${field}`, async () => {
      for (const file of [
        image,
        new File([image], "photo.png", { type: "image/png" }),
        new ArrayBuffer(4),
        new Uint8Array(4),
        new ReadableStream<Uint8Array>(),
        new URL("https://example.com/photo.png"),
        "https://example.com/photo.png",
        "http://localhost:8080/photo.png",
      ]) {
        expect((await validateInputs(model, { ...minimal, [field]: file })).success).toBe(true);
      }
      for (const notAFile of ["photo.png", "ftp://example.com/photo.png", 42, {}, null]) {
        expect(await messageFor(name, { ...minimal, [field]: notAFile })).toBe(
          `Invalid inputs for ${name}: ${field} must be a Blob, File, ArrayBuffer, Uint8Array, ReadableStream, URL or http(s) URL string`,
        );
      }
    });
  }
});

describe("orientation (lucy-pro-t2v, lucy-pro-t2i)", () => {
  it("is landscape or portrait", async () => {
    expect(await messageFor("lucy-pro-t2i", { prompt: "A city", orientation: "square" })).toBe(
      "Invalid inputs for lucy-pro-t2i: orientation must be one of landscape, portrait",
    );
  });

  it("is refused by models that do not take it", async () => {
    expect(await messageFor("lucy-pro-i2v", { prompt: "Wind", data: image, orientation: "portrait" })).toBe(
      "Invalid inputs for lucy-pro-i2v: unknown field orientation",
    );
  });
});

describe("enhance_prompt and num_inference_steps (lucy-pro-v2v)", () => {
  const minimal = cases["lucy-pro-v2v"].minimal;

  it("enhance_prompt is a boolean", async () => {
    expect(await messageFor("lucy-pro-v2v", { ...minimal, enhance_prompt: "yes" })).toBe(
      "Invalid inputs for lucy-pro-v2v: enhance_prompt must be true or false",
    );
  });

  it("num_inference_steps is an integer of at least 1, with no upper bound of the client's", async () => {
    expect(await messageFor("lucy-pro-v2v", { ...minimal, num_inference_steps: 0 })).toBe(
      "Invalid inputs for lucy-pro-v2v: num_inference_steps must be at least 1",
    );
    expect(
      (await validateInputs(models.get("lucy-pro-v2v"), { ...minimal, num_inference_steps: 150 })).success,
    ).toBe(true);
    expect(await messageFor("lucy-pro-v2v", { ...minimal, num_inference_steps: 2.5 })).toBe(
      "Invalid inputs for lucy-pro-v2v: num_inference_steps must be an integer",
    );
  });

  it("is refused by lucy-fast-v2v", async () => {
    expect(await messageFor("lucy-fast-v2v", { ...minimal, num_inference_steps: 10 })).toBe(
      "Invalid inputs for lucy-fast-v2v: unknown field num_inference_steps",
    );
  });
});

describe("trajectory (lucy-motion)", () => {
  const point = (frame: number) => ({ frame, x: frame * 5, y: 300 });

  it("takes 2 to 1000 points", async () => {
    expect(await messageFor("lucy-motion", { data: image, trajectory: [point(0)] })).toBe(
      "Invalid inputs for lucy-motion: trajectory must have at least 2 points",
    );
    const tooMany = Array.from({ length: 1001 }, (_, frame) => point(frame));
    expect(await messageFor("lucy-motion", { data: image, trajectory: tooMany })).toBe(
      "Invalid inputs for lucy-motion: trajectory must have at most 1000 points",
    );
    const most = Array.from({ length: 1000 }, (_, frame) => point(frame));
    expect(
      (await validateInputs(models.video("lucy-motion"), { data: image, trajectory: most })).success,
    ).toBe(true);
  });

  it("drops other keys of a point, as the official client does", async () => {
    const trajectory = [{ ...point(0), label: "start" }, point(5)];
    expect((await validateInputs(models.video("lucy-motion"), { data: image, trajectory })).value).toEqual({
      data: image,
      trajectory: [point(0), point(5)],
    });
  });

  it("takes fractional frames", async () => {
    const trajectory = [
      { frame: 0, x: 0, y: 0 },
      { frame: 12.5, x: 10.25, y: 3.5 },
    ];
    expect((await validateInputs(models.video("lucy-motion"), { data: image, trajectory })).value).toEqual({
      data: image,
      trajectory,
    });
  });

  it("names the exact point and coordinate that is wrong", async () => {
    expect(
      await messageFor("lucy-motion", {
        data: image,
        trajectory: [point(0), { frame: -1, x: -1 }, point(2)],
      }),
    ).toBe(
      "Invalid inputs for lucy-motion: trajectory.1.frame must be at least 0; trajectory.1.x must be at least 0; " +
        "trajectory.1.y is required",
    );
    expect(await messageFor("lucy-motion", { data: image, trajectory: "left to right" })).toBe(
      "Invalid inputs for lucy-motion: trajectory must be an array",
    );
  });

  it("lucy-motion takes no prompt", async () => {
    expect(
      await messageFor("lucy-motion", { data: image, trajectory: [point(0), point(1)], prompt: "Walk" }),
    ).toBe("Invalid inputs for lucy-motion: unknown field prompt");
  });
});

describe("several failing fields", () => {
  it("give one clause each, in field order, naming the model once", async () => {
    expect(
      await messageFor("lucy-pro-t2v", {
        prompt: "x".repeat(1001),
        seed: "1",
        resolution: "1080p",
        foo: 1,
        bar: 2,
      }),
    ).toBe(
      "Invalid inputs for lucy-pro-t2v: prompt must be at most 1000 characters; seed must be a number; " +
        "resolution must be one of 720p, 480p; unknown field foo; unknown field bar",
    );
  });

  it("report the issues field by field on the error", async () => {
    const result = await validateInputs(models.video("lucy-pro-i2v"), { seed: "-1" });
    expect(result.error?.issues).toEqual([
      { field: "prompt", message: "prompt is required" },
      { field: "data", message: "data is required" },
      { field: "seed", message: "seed must be a number" },
    ]);
  });

  it("a non-object is rejected as a whole", async () => {
    expect(await messageFor("lucy-pro-t2v", "A lake")).toBe(
      "Invalid inputs for lucy-pro-t2v: inputs must be an object",
    );
  });
});

describe("the notes' example", () => {
  it("lucy-pro-i2v without data", async () => {
    expect(await messageFor("lucy-pro-i2v", { prompt: "test" })).toBe(
      "Invalid inputs for lucy-pro-i2v: data is required",
    );
  });
});
