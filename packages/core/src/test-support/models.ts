import { z } from "zod";
import type { ModelDefinition } from "../model/index";
import { routes } from "../protocol/index";

const required = (field: string) => ({
  error: (issue: { input: unknown }) => (issue.input === undefined ? `${field} is required` : undefined),
});

const file = (field: string) =>
  z.custom<Blob | ArrayBuffer | Uint8Array | ReadableStream | URL | string>(
    (value) =>
      value instanceof Blob ||
      value instanceof ArrayBuffer ||
      value instanceof Uint8Array ||
      value instanceof ReadableStream ||
      value instanceof URL ||
      typeof value === "string",
    {
      error: (issue) =>
        issue.input === undefined ? `${field} is required` : `${field} must be a file or URL`,
    },
  );

const imageInputs = z.object({
  prompt: z.string(required("prompt")).min(1).max(1000, "prompt must be at most 1000 characters"),
  seed: z.number().int().optional(),
  resolution: z.enum(["720p", "480p"]).optional(),
  enhance_prompt: z.boolean().optional(),
  data: file("data").optional(),
});

const videoInputs = z.object({
  prompt: z.string(required("prompt")).min(1).max(1000, "prompt must be at most 1000 characters"),
  seed: z.number().int().optional(),
  data: file("data").optional(),
  start: file("start").optional(),
  end: file("end").optional(),
  trajectory: z.array(z.object({ frame: z.number().int(), x: z.number(), y: z.number() })).optional(),
  num_inference_steps: z.number().int().optional(),
});

export const testImageModel = {
  name: "test-t2i",
  kind: "image",
  task: "image-to-image",
  endpoints: { generate: routes.generate("test-t2i"), jobs: routes.submit("test-t2i") },
  inputs: imageInputs,
  fileFields: { data: "image" },
  outputType: "image/png",
  geometry: { "720p": { width: 1280, height: 704 } },
} as const satisfies ModelDefinition<"test-t2i", "image", typeof imageInputs>;

export const testVideoModel = {
  name: "test-i2v",
  kind: "video",
  task: "image-to-video",
  endpoints: { generate: routes.generate("test-i2v"), jobs: routes.submit("test-i2v") },
  inputs: videoInputs,
  fileFields: { data: "image", start: "image", end: "image" },
  outputType: "video/mp4",
  geometry: { "720p": { width: 1280, height: 704 } },
  fps: 25,
  maxDurationSeconds: 5,
} as const satisfies ModelDefinition<"test-i2v", "video", typeof videoInputs>;

export const PNG = new Uint8Array([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82,
]);
export const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70, 0, 1]);
export const MP4 = new Uint8Array([0, 0, 0, 24, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6f, 0x6d, 0, 0, 2, 0]);
