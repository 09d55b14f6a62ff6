import type { StandardSchemaV1 } from "@decart/core";
import { describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { defineModel } from "./define-model";
import { fileInput, imageInput, videoInput } from "./file-input";
import { validateInputs } from "./validate";

describe("defineModel", () => {
  it("derives endpoints and fills video defaults", () => {
    const model = defineModel({
      name: "my-v2v",
      kind: "video",
      task: "video-edit",
      inputs: z.strictObject({ prompt: z.string(), data: videoInput, mask: z.optional(imageInput) }),
    });
    expect(model).toMatchObject({
      name: "my-v2v",
      kind: "video",
      task: "video-edit",
      endpoints: { generate: "/v1/generate/my-v2v", jobs: "/v1/jobs/my-v2v" },
      fileFields: { data: "video", mask: "image" },
      outputType: "video/mp4",
      geometry: { "720p": { width: 1280, height: 704 }, "480p": { width: 832, height: 480 } },
      fps: 25,
      maxDurationSeconds: 5,
    });
  });

  it("fills image defaults without video-only fields", () => {
    const model = defineModel({
      name: "my-t2i",
      kind: "image",
      task: "text-to-image",
      inputs: z.strictObject({ prompt: z.string() }),
    });
    expect(model.outputType).toBe("image/png");
    expect(model.fileFields).toEqual({});
    expect("fps" in model).toBe(false);
    expect("maxDurationSeconds" in model).toBe(false);
  });

  it("keeps every override", () => {
    const model = defineModel({
      name: "lucy-2.1",
      kind: "video",
      task: "video-edit",
      inputs: z.strictObject({ video: z.custom<Blob>((value) => value instanceof Blob) }),
      fileFields: { video: "video" },
      outputType: "video/webm",
      geometry: { "720p": { width: 1088, height: 624 } },
      fps: 20,
      maxDurationSeconds: 10,
    });
    expect(model).toMatchObject({
      fileFields: { video: "video" },
      outputType: "video/webm",
      geometry: { "720p": { width: 1088, height: 624 } },
      fps: 20,
      maxDurationSeconds: 10,
    });
  });

  it("gives a zod schema field-naming messages without touching the caller's schema", async () => {
    const inputs = z.strictObject({
      prompt: z.string().check(z.minLength(1)),
      strength: z.number().check(z.lte(1)),
    });
    const model = defineModel({ name: "my-i2i", kind: "image", task: "image-to-image", inputs });
    const result = await validateInputs(model, { prompt: "", strength: 2, extra: true });
    expect(result.error?.message).toBe(
      "Invalid inputs for my-i2i: prompt must not be empty; strength must be at most 1; unknown field extra",
    );
    expect(model.inputs).not.toBe(inputs);
    const untouched = await inputs["~standard"].validate({ prompt: "" });
    expect(untouched.issues?.[0]?.message).not.toBe("prompt must not be empty");
  });

  it("keeps messages a schema sets itself, and runs async refinements", async () => {
    const model = defineModel({
      name: "my-async",
      kind: "image",
      task: "text-to-image",
      inputs: z.strictObject({ prompt: z.string() }).check(
        z.refine(async (value) => value.prompt !== "forbidden", {
          message: "prompt is not allowed",
          path: ["prompt"],
        }),
      ),
    });
    const result = await validateInputs(model, { prompt: "forbidden" });
    expect(result.error?.message).toBe("Invalid inputs for my-async: prompt is not allowed");
    expect((await validateInputs(model, { prompt: "fine" })).value).toEqual({ prompt: "fine" });
  });

  it("accepts any Standard Schema as inputs, unchanged", async () => {
    const inputs: StandardSchemaV1<{ prompt: string }> = {
      "~standard": {
        version: 1,
        vendor: "handmade",
        validate: (value) =>
          typeof (value as { prompt?: unknown }).prompt === "string"
            ? { value: value as { prompt: string } }
            : { issues: [{ message: "prompt is required", path: ["prompt"] }] },
      },
    };
    const model = defineModel({ name: "handmade", kind: "image", task: "text-to-image", inputs });
    expect(model.inputs).toBe(inputs);
    expect(model.fileFields).toEqual({});
    const withFile = defineModel({
      name: "handmade-i2i",
      kind: "image",
      task: "image-to-image",
      inputs,
      fileFields: { data: "image" },
    });
    expect(withFile.fileFields).toEqual({ data: "image" });
    expect((await validateInputs(model, {})).error?.message).toBe(
      "Invalid inputs for handmade: prompt is required",
    );
  });

  it("needs the kind of a field built on the generic fileInput, and says how to give it", () => {
    const inputs = z.strictObject({ data: fileInput, mask: z.optional(fileInput) });
    expect(() => defineModel({ name: "my-upscaler", kind: "image", task: "image-to-image", inputs })).toThrow(
      new TypeError(
        "defineModel(my-upscaler): the file field data is built on fileInput, so its kind of media is unknown; " +
          'build it on imageInput or videoInput, or name it in fileFields: { data: "image" } or { data: "video" }',
      ),
    );
    const named = defineModel({
      name: "my-upscaler",
      kind: "image",
      task: "image-to-image",
      inputs,
      fileFields: { data: "image", mask: "image" },
    });
    expect(named.fileFields).toEqual({ data: "image", mask: "image" });
  });

  it("lets fileFields override a detected kind, and refuses a wrong kind or an unknown field", () => {
    const inputs = z.strictObject({ data: imageInput, prompt: z.string() });
    const options = { name: "my-model", kind: "video", task: "image-to-video", inputs } as const;
    expect(defineModel({ ...options, fileFields: { data: "video" } }).fileFields).toEqual({ data: "video" });
    expect(() => defineModel({ ...options, fileFields: { data: "audio" as never } })).toThrow(
      'defineModel(my-model): fileFields.data must be "image" or "video", not audio',
    );
    expect(() => defineModel({ ...options, fileFields: { mask: "image" } })).toThrow(
      "defineModel(my-model): fileFields names mask, which is not one of its inputs",
    );
  });

  it("finds image and video fields through optional wrappers, and validates them like fileInput", async () => {
    const model = defineModel({
      name: "my-edit",
      kind: "video",
      task: "video-edit",
      inputs: z.strictObject({ data: videoInput, reference_image: z.optional(imageInput) }),
    });
    expect(model.fileFields).toEqual({ data: "video", reference_image: "image" });
    expect((await validateInputs(model, { data: "clip.mp4" })).error?.message).toBe(
      "Invalid inputs for my-edit: data must be a Blob, File, ArrayBuffer, Uint8Array, ReadableStream, URL or http(s) URL string",
    );
    expect((await validateInputs(model, { data: new Blob([]) })).success).toBe(true);
  });
});
