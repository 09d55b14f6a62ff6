import { InvalidInputError } from "@decart/core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  lucy21,
  lucy21Vton2,
  lucy25,
  lucyClip,
  lucyImage2,
  lucyLatest,
  lucyRestyle2,
  lucyRestyleV2v,
  lucyVton2,
  lucyVton35,
  lucyVtonLatest,
} from "./edit-catalog";
import { inputJsonSchema } from "./json-schema";
import { isDeprecated, resetDeprecationWarnings } from "./lifecycle";
import { models } from "./models";
import { parseWireInputs, validateInputs } from "./validate";

const image = new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], { type: "image/png" });
const video = new Blob([new Uint8Array(16)], { type: "video/mp4" });

/** Each newer model: kind, task, geometry at 720p, frame rate, minimal inputs, file kinds, prompt limit. */
const cases = {
  "lucy-clip": {
    kind: "video",
    task: "video-edit",
    size: [1280, 704],
    fps: 25,
    minimal: { prompt: "Add a hat", data: video },
    files: { data: "video", reference_image: "image" },
    promptMax: undefined,
  },
  "lucy-image-2": {
    kind: "image",
    task: "image-to-image",
    size: [1280, 704],
    fps: undefined,
    minimal: { prompt: "Winter", data: image },
    files: { data: "image", reference_image: "image" },
    promptMax: 1000,
  },
  "lucy-restyle-2": {
    kind: "video",
    task: "restyle",
    size: [1280, 704],
    fps: 22,
    minimal: { prompt: "Anime", data: video },
    files: { data: "video", reference_image: "image" },
    promptMax: undefined,
  },
  "lucy-2.1": {
    kind: "video",
    task: "video-edit",
    size: [1088, 624],
    fps: 20,
    minimal: { prompt: "", data: video },
    files: { data: "video", reference_image: "image" },
    promptMax: undefined,
  },
  "lucy-vton-2": {
    kind: "video",
    task: "try-on",
    size: [1088, 624],
    fps: 20,
    minimal: { prompt: "", data: video },
    files: { data: "video", reference_image: "image" },
    promptMax: undefined,
  },
  "lucy-vton-3": {
    kind: "video",
    task: "try-on",
    size: [1088, 624],
    fps: 20,
    minimal: { prompt: "", data: video },
    files: { data: "video", reference_image: "image" },
    promptMax: undefined,
  },
  "lucy-2.5": {
    kind: "video",
    task: "video-edit",
    size: [1280, 720],
    fps: 20,
    minimal: { prompt: "", data: video },
    files: { data: "video", reference_image: "image" },
    promptMax: undefined,
  },
  "lucy-vton-3.5": {
    kind: "video",
    task: "try-on",
    size: [1280, 720],
    fps: 20,
    minimal: { prompt: "", data: video },
    files: { data: "video", reference_image: "image" },
    promptMax: undefined,
  },
  "lucy-latest": {
    kind: "video",
    task: "video-edit",
    size: [1088, 624],
    fps: 20,
    minimal: { prompt: "", data: video },
    files: { data: "video", reference_image: "image" },
    promptMax: undefined,
  },
  "lucy-vton-latest": {
    kind: "video",
    task: "try-on",
    size: [1280, 720],
    fps: 20,
    minimal: { prompt: "", data: video },
    files: { data: "video", reference_image: "image" },
    promptMax: undefined,
  },
  "lucy-restyle-latest": {
    kind: "video",
    task: "restyle",
    size: [1280, 704],
    fps: 22,
    minimal: { reference_image: image, data: video },
    files: { data: "video", reference_image: "image" },
    promptMax: undefined,
  },
  "lucy-clip-latest": {
    kind: "video",
    task: "video-edit",
    size: [1280, 704],
    fps: 25,
    minimal: { prompt: "Add a hat", data: video },
    files: { data: "video", reference_image: "image" },
    promptMax: undefined,
  },
  "lucy-image-latest": {
    kind: "image",
    task: "image-to-image",
    size: [1280, 704],
    fps: undefined,
    minimal: { prompt: "Winter", data: image },
    files: { data: "image", reference_image: "image" },
    promptMax: 1000,
  },
  "lucy-restyle-v2v": {
    kind: "video",
    task: "restyle",
    size: [1280, 704],
    fps: 22,
    minimal: { prompt: "Anime", data: video },
    files: { data: "video", reference_image: "image" },
    promptMax: undefined,
  },
  "lucy-2.1-vton-2": {
    kind: "video",
    task: "try-on",
    size: [1088, 624],
    fps: 20,
    minimal: { prompt: "", data: video },
    files: { data: "video", reference_image: "image" },
    promptMax: undefined,
  },
} as const;

const names = Object.keys(cases) as Array<keyof typeof cases>;

async function messageFor(model: Parameters<typeof validateInputs>[0], inputs: unknown): Promise<string> {
  const result = await validateInputs(model, inputs);
  if (result.success) throw new Error(`expected ${model.name} to reject ${JSON.stringify(inputs)}`);
  expect(result.error).toBeInstanceOf(InvalidInputError);
  return result.error.message;
}

let warn: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  resetDeprecationWarnings();
  warn = vi.spyOn(console, "warn").mockImplementation(() => {});
});
afterEach(() => warn.mockRestore());

describe.each(names)("%s", (name) => {
  const model = models.get(name);
  const { kind, task, size, fps, minimal, files } = cases[name];

  it("describes itself: name, kind, task, endpoints under its own name, output, geometry, frame rate", () => {
    expect(model.name).toBe(name);
    expect(model.kind).toBe(kind);
    expect(model.task).toBe(task);
    expect(model.endpoints).toEqual({ generate: `/v1/generate/${name}`, jobs: `/v1/jobs/${name}` });
    expect(model.outputType).toBe(kind === "video" ? "video/mp4" : "image/png");
    expect(model.geometry["720p"]).toEqual({ width: size[0], height: size[1] });
    expect(model.fps).toBe(fps);
    expect(model.maxDurationSeconds).toBe(kind === "video" ? 5 : undefined);
    expect(model.fileFields).toEqual(files);
  });

  it("accepts its minimal inputs as they are (no resolution added), and exports a JSON Schema", async () => {
    const result = await validateInputs(model, minimal);
    expect(result.error).toBeUndefined();
    expect(result.value).toEqual(minimal);
    const schema = inputJsonSchema(model);
    expect(schema.type).toBe("object");
    expect(schema.additionalProperties).toBe(false);
    expect((schema.properties as Record<string, unknown>).reference_image).toEqual({
      type: "string",
      format: "binary",
    });
    expect(schema.required).toContain("data");
  });

  it("refuses a misspelt field and a missing data, naming both", async () => {
    expect(await messageFor(model, { ...minimal, data: undefined, refrence_image: image })).toBe(
      `Invalid inputs for ${name}: data is required; unknown field refrence_image`,
    );
  });
});

describe("the edit models' own fields", () => {
  it("cap the prompt at 1000 characters only on the image models; lucy-clip and restyle need one character", async () => {
    for (const name of names) {
      const { minimal, promptMax } = cases[name];
      if (!("prompt" in minimal)) continue;
      const model = models.get(name);
      const long = { ...minimal, prompt: "x".repeat(promptMax === undefined ? 20_000 : promptMax + 1) };
      if (promptMax === undefined) expect((await validateInputs(model, long)).success).toBe(true);
      else
        expect(await messageFor(model, long)).toBe(
          `Invalid inputs for ${name}: prompt must be at most ${promptMax} characters`,
        );
    }
    expect(await messageFor(lucyClip, { prompt: "", data: video })).toBe(
      "Invalid inputs for lucy-clip: prompt must not be empty",
    );
    expect(await messageFor(lucyRestyle2, { prompt: "", data: video })).toBe(
      "Invalid inputs for lucy-restyle-2: prompt must not be empty",
    );
  });

  it("lucy-2.1 and lucy-2.5 take an empty prompt but still require one, and a reference image", async () => {
    for (const model of [lucy21, lucy25, lucyVton2, lucyVton35]) {
      const result = await validateInputs(model, {
        prompt: "",
        data: video,
        reference_image: image,
        enhance_prompt: true,
      });
      expect(result.error).toBeUndefined();
      expect(await messageFor(model, { data: video })).toBe(
        `Invalid inputs for ${model.name}: prompt is required`,
      );
    }
  });

  it("offer the resolutions they document", async () => {
    expect((await validateInputs(lucyImage2, { prompt: "A", data: image, resolution: "480p" })).success).toBe(
      true,
    );
    expect(await messageFor(lucyClip, { prompt: "A", data: video, resolution: "480p" })).toBe(
      "Invalid inputs for lucy-clip: resolution must be 720p",
    );
    expect(await messageFor(lucy25, { prompt: "A", data: video, resolution: "1080p" })).toBe(
      "Invalid inputs for lucy-2.5: resolution must be 720p",
    );
  });

  it("reference_image must be a file", async () => {
    expect(await messageFor(lucyClip, { prompt: "A", data: video, reference_image: "scarf.png" })).toBe(
      "Invalid inputs for lucy-clip: reference_image must be a Blob, File, ArrayBuffer, Uint8Array, ReadableStream, URL or http(s) URL string",
    );
  });
});

describe("lucy-restyle-2: exactly one of prompt or reference_image", () => {
  it("accepts a prompt (optionally enhanced) or a reference image", async () => {
    expect(
      (await validateInputs(lucyRestyle2, { prompt: "Anime", enhance_prompt: true, data: video })).success,
    ).toBe(true);
    expect((await validateInputs(lucyRestyle2, { reference_image: image, data: video })).success).toBe(true);
  });

  it("refuses neither and both, naming both fields", async () => {
    expect(await messageFor(lucyRestyle2, { data: video })).toBe(
      "Invalid inputs for lucy-restyle-2: exactly one of prompt or reference_image is required",
    );
    expect(await messageFor(lucyRestyle2, { prompt: "Anime", reference_image: image, data: video })).toBe(
      "Invalid inputs for lucy-restyle-2: exactly one of prompt or reference_image is required, not both",
    );
  });

  it("refuses enhance_prompt without a prompt, naming both fields", async () => {
    expect(
      await messageFor(lucyRestyle2, { reference_image: image, enhance_prompt: false, data: video }),
    ).toBe("Invalid inputs for lucy-restyle-2: enhance_prompt requires prompt");
    const result = await validateInputs(lucyRestyle2, { enhance_prompt: true, data: video });
    expect(result.error?.issues).toEqual([
      { field: "", message: "exactly one of prompt or reference_image is required" },
      { field: "enhance_prompt", message: "enhance_prompt requires prompt" },
    ]);
  });

  it("reports the rule together with the fields' own clauses", async () => {
    expect(
      await messageFor(lucyRestyle2, { prompt: "Anime", reference_image: image, data: video, seed: "1" }),
    ).toBe(
      "Invalid inputs for lucy-restyle-2: seed must be a number; " +
        "exactly one of prompt or reference_image is required, not both",
    );
    expect(await messageFor(lucyRestyle2, { prompt: "", reference_image: image, data: video })).toBe(
      "Invalid inputs for lucy-restyle-2: prompt must not be empty; " +
        "exactly one of prompt or reference_image is required, not both",
    );
  });

  it("applies the rule to wire inputs too", async () => {
    const both = await parseWireInputs(lucyRestyle2, {
      prompt: "Anime",
      reference_image: image,
      data: video,
      seed: "7",
    });
    expect(both.error?.message).toBe(
      "Invalid inputs for lucy-restyle-2: exactly one of prompt or reference_image is required, not both",
    );
    const enhanced = await parseWireInputs(lucyRestyle2, {
      prompt: "Anime",
      data: video,
      enhance_prompt: "true",
      seed: "7",
    });
    expect(enhanced.value).toMatchObject({ enhance_prompt: true, seed: 7 });
  });

  it("states the rule in its JSON Schema as a oneOf", () => {
    const schema = inputJsonSchema(lucyRestyle2);
    expect(schema.required).toEqual(["data"]);
    expect(schema.oneOf).toEqual([
      { required: ["prompt"], properties: { reference_image: false } },
      { required: ["reference_image"], properties: { prompt: false, enhance_prompt: false } },
    ]);
    expect((schema.properties as Record<string, unknown>).prompt).toEqual({ type: "string", minLength: 1 });
    expect(inputJsonSchema(models.video("lucy-restyle-latest")).oneOf).toEqual(schema.oneOf);
    expect(inputJsonSchema(lucyClip).oneOf).toBeUndefined();
  });
});

describe("server-resolved aliases", () => {
  it("are sent under their own names with the inputs of the model they point to", async () => {
    expect(lucyLatest.aliasOf).toBe("lucy-2.1");
    expect(lucyLatest.inputs).toBe(lucy21.inputs);
    expect(lucyLatest.geometry).toEqual({ "720p": { width: 1088, height: 624 } });
    expect(lucyVtonLatest.aliasOf).toBe("lucy-vton-3.5");
    expect(lucyVtonLatest.geometry).toEqual({ "720p": { width: 1280, height: 720 } });
    expect(models.video("lucy-vton-latest")).toBe(lucyVtonLatest);
    expect(models.video("lucy-restyle-latest").aliasOf).toBe("lucy-restyle-2");
    expect(models.video("lucy-clip-latest").aliasOf).toBe("lucy-clip");
    expect(models.image("lucy-image-latest").aliasOf).toBe("lucy-image-2");
    expect(isDeprecated(lucyLatest)).toBe(false);
  });
});

describe("deprecated names", () => {
  it("carry their replacement as data and keep the replacement's geometry", () => {
    expect(lucyRestyleV2v).toMatchObject({ deprecated: true, replacedBy: "lucy-restyle-2", fps: 22 });
    expect(lucy21Vton2).toMatchObject({ deprecated: true, replacedBy: "lucy-vton-2", fps: 20 });
    expect(lucy21Vton2.geometry).toEqual(lucyVton2.geometry);
    expect(isDeprecated(lucyRestyleV2v)).toBe(true);
    expect(isDeprecated(lucyRestyle2)).toBe(false);
  });

  it("keep working, and warn once per name per process, naming the replacement", async () => {
    for (let round = 0; round < 3; round++) {
      expect((await validateInputs(lucyRestyleV2v, { prompt: "Anime", data: video })).success).toBe(true);
    }
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(
      "[@decart/models] lucy-restyle-v2v is deprecated: use lucy-restyle-2 instead (it takes the same inputs).",
    );
    await parseWireInputs(lucy21Vton2, { prompt: "", data: video });
    await validateInputs(models.video("lucy-2.1-vton-2"), { prompt: "", data: video });
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn).toHaveBeenLastCalledWith(
      "[@decart/models] lucy-2.1-vton-2 is deprecated: use lucy-vton-2 instead (it takes the same inputs).",
    );
    resetDeprecationWarnings();
    await validateInputs(lucyRestyleV2v, { reference_image: image, data: video });
    expect(warn).toHaveBeenCalledTimes(3);
  });

  it("apply the replacement's rules and messages under their own name", async () => {
    expect(await messageFor(lucyRestyleV2v, { data: video })).toBe(
      "Invalid inputs for lucy-restyle-v2v: exactly one of prompt or reference_image is required",
    );
  });

  it("do not warn for the models that replace them, nor for the notes' lucy-pro-v2v and lucy-pro-i2i", async () => {
    await validateInputs(lucyRestyle2, { prompt: "Anime", data: video });
    await validateInputs(models.video("lucy-pro-v2v"), { prompt: "Anime", data: video });
    await validateInputs(models.image("lucy-pro-i2i"), { prompt: "Sketch", data: image });
    expect(warn).not.toHaveBeenCalled();
    expect(isDeprecated(models.video("lucy-pro-v2v"))).toBe(false);
  });

  it("still resolve by name, but are never suggested", () => {
    expect(models.has("lucy-restyle-v2v")).toBe(true);
    expect(() => models.video("lucy-restyle-v3" as never)).toThrow(/Did you mean lucy-restyle-2\?/);
  });
});
