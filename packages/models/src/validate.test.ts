import { describe, expect, it } from "vitest";
import { models } from "./models";
import { parseWireInputs } from "./validate";

const image = new File([new Uint8Array(8)], "photo.png", { type: "image/png" });
const video = new File([new Uint8Array(8)], "clip.mp4", { type: "video/mp4" });

describe("parseWireInputs", () => {
  it("turns numeric and boolean strings into numbers and booleans", async () => {
    const result = await parseWireInputs(models.video("lucy-pro-v2v"), {
      prompt: "Anime",
      data: video,
      seed: "42",
      enhance_prompt: "true",
      num_inference_steps: " 50 ",
    });
    expect(result.value).toEqual({
      prompt: "Anime",
      data: video,
      seed: 42,
      enhance_prompt: true,
      num_inference_steps: 50,
    });
    const off = await parseWireInputs(models.video("lucy-fast-v2v"), {
      prompt: "A",
      data: video,
      enhance_prompt: "false",
    });
    expect(off.value?.enhance_prompt).toBe(false);
  });

  it("reads booleans as FastAPI + pydantic do, in any case", async () => {
    const model = models.video("lucy-fast-v2v");
    const cases: Array<[string, boolean]> = [
      ["true", true],
      ["True", true],
      ["TRUE", true],
      ["1", true],
      ["yes", true],
      ["on", true],
      ["false", false],
      ["False", false],
      ["0", false],
      ["no", false],
      [" off ", false],
    ];
    for (const [text, value] of cases) {
      const result = await parseWireInputs(model, { prompt: "A", data: video, enhance_prompt: text });
      expect(result.value?.enhance_prompt, text).toBe(value);
    }
  });

  it("reads numbers as text, fractional seeds included", async () => {
    const model = models.video("lucy-pro-t2v");
    for (const [text, value] of [
      ["42", 42],
      [" -7 ", -7],
      ["1.5", 1.5],
      ["1e3", 1000],
      ["4294967296", 4_294_967_296],
    ] as const) {
      expect((await parseWireInputs(model, { prompt: "A lake", seed: text })).value?.seed, text).toBe(value);
    }
  });

  it("reads a trajectory sent as Python's repr, with fractional frames", async () => {
    const result = await parseWireInputs(models.video("lucy-motion"), {
      data: image,
      trajectory: "[{'frame': 0, 'x': 10.0, 'y': 20.0}, {'frame': 12.5, 'x': 30.5, 'y': 40}]",
    });
    expect(result.value?.trajectory).toEqual([
      { frame: 0, x: 10, y: 20 },
      { frame: 12.5, x: 30.5, y: 40 },
    ]);
  });

  it("accepts parts in any order and adds no defaults", async () => {
    const result = await parseWireInputs(models.video("lucy-pro-i2v"), {
      seed: "3",
      data: image,
      prompt: "Wind",
    });
    expect(result.value).toEqual({ prompt: "Wind", data: image, seed: 3 });
  });

  it("parses a JSON trajectory", async () => {
    const result = await parseWireInputs(models.video("lucy-motion"), {
      data: image,
      trajectory: JSON.stringify([
        { frame: 0, x: 10, y: 20 },
        { frame: 24, x: 30.5, y: 40 },
      ]),
    });
    expect(result.value?.trajectory).toEqual([
      { frame: 0, x: 10, y: 20 },
      { frame: 24, x: 30.5, y: 40 },
    ]);
  });

  it("leaves text fields alone, even when they look like numbers", async () => {
    const result = await parseWireInputs(models.image("lucy-pro-t2i"), {
      prompt: "1984",
      resolution: "480p",
    });
    expect(result.value).toEqual({ prompt: "1984", resolution: "480p" });
  });

  it("keeps a URL string in a file field", async () => {
    const result = await parseWireInputs(models.video("lucy-pro-i2v"), {
      prompt: "Wind",
      data: "https://example.com/a.png",
    });
    expect(result.value?.data).toBe("https://example.com/a.png");
  });

  it("reports what does not convert with the client's messages", async () => {
    const model = models.video("lucy-pro-v2v");
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ seed: "forty-two" }, "seed must be a number"],
      [{ seed: "" }, "seed must be a number"],
      [{ seed: "Infinity" }, "seed must be a number"],
      [{ enhance_prompt: "maybe" }, "enhance_prompt must be true or false"],
      [{ num_inference_steps: "0" }, "num_inference_steps must be at least 1"],
      [{ num_inference_steps: "2.5" }, "num_inference_steps must be an integer"],
      [
        { data: "video.mp4" },
        "data must be a Blob, File, ArrayBuffer, Uint8Array, ReadableStream, URL or http(s) URL string",
      ],
      [{ foo: "bar" }, "unknown field foo"],
    ];
    for (const [fields, clause] of cases) {
      const result = await parseWireInputs(model, { prompt: "Anime", data: video, ...fields });
      expect(result.success).toBe(false);
      expect(result.error?.message).toBe(`Invalid inputs for lucy-pro-v2v: ${clause}`);
    }
  });

  it("reports a trajectory that is not JSON, or not points", async () => {
    const model = models.video("lucy-motion");
    const notJson = await parseWireInputs(model, { data: image, trajectory: "[{frame: 0" });
    expect(notJson.error?.message).toBe("Invalid inputs for lucy-motion: trajectory must be an array");
    const short = await parseWireInputs(model, { data: image, trajectory: '[{"frame":0,"x":1,"y":1}]' });
    expect(short.error?.message).toBe(
      "Invalid inputs for lucy-motion: trajectory must have at least 2 points",
    );
  });

  it("names every missing field of an empty body", async () => {
    const result = await parseWireInputs(models.video("lucy-pro-flf2v"), {});
    expect(result.error?.message).toBe(
      "Invalid inputs for lucy-pro-flf2v: prompt is required; start is required; end is required",
    );
    expect(result.error?.issues.map((issue) => issue.field)).toEqual(["prompt", "start", "end"]);
  });
});
