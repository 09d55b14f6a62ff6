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

/** Minimal valid inputs of each model, and what validation adds to them. */
const cases = {
  "lucy-pro-t2v": {
    kind: "video",
    minimal: { prompt: "A lake" },
    defaults: { resolution: "720p", orientation: "landscape" },
  },
  "lucy-pro-i2v": {
    kind: "video",
    minimal: { prompt: "Wind", data: image },
    defaults: { resolution: "720p" },
  },
  "lucy-dev-i2v": {
    kind: "video",
    minimal: { prompt: "Wind", data: image },
    defaults: { resolution: "720p" },
  },
  "lucy-pro-v2v": {
    kind: "video",
    minimal: { prompt: "Anime", data: video },
    defaults: { resolution: "720p" },
  },
  "lucy-fast-v2v": {
    kind: "video",
    minimal: { prompt: "Anime", data: video },
    defaults: { resolution: "720p" },
  },
  "lucy-pro-flf2v": {
    kind: "video",
    minimal: { prompt: "Dusk", start: image, end: image },
    defaults: { resolution: "720p" },
  },
  "lucy-motion": {
    kind: "video",
    minimal: { data: image, trajectory: path },
    defaults: { resolution: "720p" },
  },
  "lucy-pro-t2i": {
    kind: "image",
    minimal: { prompt: "A city" },
    defaults: { resolution: "720p", orientation: "landscape" },
  },
  "lucy-pro-i2i": {
    kind: "image",
    minimal: { prompt: "Sketch", data: image },
    defaults: { resolution: "720p" },
  },
} as const;

/** The fields each model takes, per SPEC 5. */
const fields = {
  "lucy-pro-t2v": ["prompt", "seed", "resolution", "orientation"],
  "lucy-pro-i2v": ["prompt", "data", "seed", "resolution"],
  "lucy-dev-i2v": ["prompt", "data", "seed", "resolution"],
  "lucy-pro-v2v": ["prompt", "data", "seed", "resolution", "enhance_prompt", "num_inference_steps"],
  "lucy-fast-v2v": ["prompt", "data", "seed", "resolution", "enhance_prompt"],
  "lucy-pro-flf2v": ["prompt", "start", "end", "seed", "resolution"],
  "lucy-motion": ["data", "trajectory", "seed", "resolution"],
  "lucy-pro-t2i": ["prompt", "seed", "resolution", "orientation"],
  "lucy-pro-i2i": ["prompt", "data", "seed", "resolution", "enhance_prompt"],
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
  const { kind, minimal, defaults } = cases[name];

  it("describes itself: name, kind, endpoints, output type, frame rate", () => {
    expect(model.name).toBe(name);
    expect(model.kind).toBe(kind);
    expect(model.endpoints).toEqual({ generate: `/v1/generate/${name}`, jobs: `/v1/jobs/${name}` });
    expect(model.outputType).toBe(kind === "video" ? "video/mp4" : "image/png");
    expect(model.fps).toBe(kind === "video" ? 25 : undefined);
    expect(model.maxDurationSeconds).toBe(kind === "video" ? 5 : undefined);
    expect(model.fileFields).toEqual(
      fields[name].filter((field) => ["data", "start", "end"].includes(field)),
    );
  });

  it("accepts its minimal inputs and fills in the defaults", async () => {
    const result = await validateInputs(model, minimal);
    expect(result.error).toBeUndefined();
    expect(result.value).toEqual({ ...minimal, ...defaults });
  });

  it("accepts every optional field it documents", async () => {
    const full: Record<string, unknown> = { ...minimal, seed: 4_294_967_295, resolution: "720p" };
    if (fields[name].includes("orientation" as never)) full.orientation = "portrait";
    if (fields[name].includes("enhance_prompt" as never)) full.enhance_prompt = false;
    if (fields[name].includes("num_inference_steps" as never)) full.num_inference_steps = 50;
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

  it("rejects a seed outside the unsigned 32-bit integers", async () => {
    expect(await messageFor(name, { ...minimal, seed: 1.5 })).toBe(
      `Invalid inputs for ${name}: seed must be an integer`,
    );
    expect(await messageFor(name, { ...minimal, seed: "42" })).toBe(
      `Invalid inputs for ${name}: seed must be an integer`,
    );
    expect(await messageFor(name, { ...minimal, seed: -1 })).toBe(
      `Invalid inputs for ${name}: seed must be at least 0`,
    );
    expect(await messageFor(name, { ...minimal, seed: 2 ** 32 })).toBe(
      `Invalid inputs for ${name}: seed must be at most 4294967295`,
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
    it("takes a prompt of 1 to 1000 characters", async () => {
      expect(await messageFor(name, { ...minimal, prompt: "" })).toBe(
        `Invalid inputs for ${name}: prompt must not be empty`,
      );
      expect(await messageFor(name, { ...minimal, prompt: "x".repeat(1001) })).toBe(
        `Invalid inputs for ${name}: prompt must be at most 1000 characters`,
      );
      expect(await messageFor(name, { ...minimal, prompt: 42 })).toBe(
        `Invalid inputs for ${name}: prompt must be a string`,
      );
      expect((await validateInputs(model, { ...minimal, prompt: "x".repeat(1000) })).success).toBe(true);
    });
  }

  for (const field of ["data", "start", "end"] as const) {
    if (!(field in minimal)) continue;
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

  it("num_inference_steps is an integer from 1 to 100", async () => {
    expect(await messageFor("lucy-pro-v2v", { ...minimal, num_inference_steps: 0 })).toBe(
      "Invalid inputs for lucy-pro-v2v: num_inference_steps must be at least 1",
    );
    expect(await messageFor("lucy-pro-v2v", { ...minimal, num_inference_steps: 101 })).toBe(
      "Invalid inputs for lucy-pro-v2v: num_inference_steps must be at most 100",
    );
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

  it("takes 2 to 121 points", async () => {
    expect(await messageFor("lucy-motion", { data: image, trajectory: [point(0)] })).toBe(
      "Invalid inputs for lucy-motion: trajectory must have at least 2 points",
    );
    const tooMany = Array.from({ length: 122 }, (_, frame) => point(frame));
    expect(await messageFor("lucy-motion", { data: image, trajectory: tooMany })).toBe(
      "Invalid inputs for lucy-motion: trajectory must have at most 121 points",
    );
    const most = Array.from({ length: 121 }, (_, frame) => point(frame));
    expect(
      (await validateInputs(models.video("lucy-motion"), { data: image, trajectory: most })).success,
    ).toBe(true);
  });

  it("names the exact point and coordinate that is wrong", async () => {
    expect(
      await messageFor("lucy-motion", {
        data: image,
        trajectory: [point(0), { frame: 1.5, x: -1 }, { ...point(2), z: 0 }],
      }),
    ).toBe(
      "Invalid inputs for lucy-motion: trajectory.1.frame must be an integer; trajectory.1.x must be at least 0; " +
        "trajectory.1.y is required; trajectory.2 has unknown field z",
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
        seed: 1.5,
        resolution: "1080p",
        foo: 1,
        bar: 2,
      }),
    ).toBe(
      "Invalid inputs for lucy-pro-t2v: prompt must be at most 1000 characters; seed must be an integer; " +
        "resolution must be one of 720p, 480p; unknown field foo; unknown field bar",
    );
  });

  it("report the issues field by field on the error", async () => {
    const result = await validateInputs(models.video("lucy-pro-i2v"), { seed: -1 });
    expect(result.error?.issues).toEqual([
      { field: "prompt", message: "prompt is required" },
      { field: "data", message: "data is required" },
      { field: "seed", message: "seed must be at least 0" },
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
