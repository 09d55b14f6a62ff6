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
      resolution: "720p",
    });
    const off = await parseWireInputs(models.video("lucy-fast-v2v"), {
      prompt: "A",
      data: video,
      enhance_prompt: "false",
    });
    expect(off.value?.enhance_prompt).toBe(false);
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
    expect(result.value).toEqual({ prompt: "1984", resolution: "480p", orientation: "landscape" });
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
      [{ seed: "1.5" }, "seed must be an integer"],
      [{ seed: "forty-two" }, "seed must be an integer"],
      [{ seed: "" }, "seed must be an integer"],
      [{ seed: "-1" }, "seed must be at least 0"],
      [{ enhance_prompt: "yes" }, "enhance_prompt must be true or false"],
      [{ num_inference_steps: "1e3" }, "num_inference_steps must be at most 100"],
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
