import * as z from "zod/mini";
import { defineModel } from "./define-model";
import {
  enhancePrompt,
  inferenceSteps,
  openPrompt,
  orientation,
  prompt,
  resolution,
  seed,
  trajectory,
} from "./fields";
import { imageInput, videoInput } from "./file-input";
import { standardGeometry } from "./geometry";

// The Process API's generation models (text, image and video to video; text to image). Each is its own constant so a bundle that imports one
// model directly carries only that one; `models.video(name)` looks them up by name and needs them all.

const only720p = { "720p": standardGeometry["720p"] };

/**
 * Text to video: a clip rendered from a prompt, up to 5 s at 25 fps, 720p or 480p, landscape or portrait.
 *
 * @example
 * ```ts
 * import { createDecartClient } from "@decart/core";
 * import { lucyProT2v } from "@decart/models";
 *
 * const client = createDecartClient({ apiKey: "key" });
 * const video = await client.process({ model: lucyProT2v, prompt: "A serene lake at sunset", seed: 42, orientation: "portrait" });
 * ```
 */
export const lucyProT2v = /* @__PURE__ */ defineModel({
  name: "lucy-pro-t2v",
  kind: "video",
  task: "text-to-video",
  inputs: z.strictObject({ prompt, seed, resolution: resolution("720p", "480p"), orientation }),
});

/**
 * Image to video: animates the `data` image as the prompt describes, 720p or 480p.
 *
 * @example
 * ```ts
 * import { createDecartClient } from "@decart/core";
 * import { lucyProI2v } from "@decart/models";
 *
 * const client = createDecartClient({ apiKey: "key" });
 * const image = new Blob([], { type: "image/jpeg" });
 * await client.process({ model: lucyProI2v, prompt: "Animate with gentle motion and wind", data: image, seed: 123 });
 * ```
 */
export const lucyProI2v = /* @__PURE__ */ defineModel({
  name: "lucy-pro-i2v",
  kind: "video",
  task: "image-to-video",
  inputs: z.strictObject({ prompt, data: imageInput, seed, resolution: resolution("720p", "480p") }),
});

/**
 * Image to video, the faster development model: 720p only.
 *
 * @example
 * ```ts
 * import { createDecartClient } from "@decart/core";
 * import { lucyDevI2v } from "@decart/models";
 *
 * const client = createDecartClient({ apiKey: "key" });
 * await client.process({ model: lucyDevI2v, prompt: "Slow camera push", data: "https://example.com/photo.jpg" });
 * ```
 */
export const lucyDevI2v = /* @__PURE__ */ defineModel({
  name: "lucy-dev-i2v",
  kind: "video",
  task: "image-to-video",
  inputs: z.strictObject({ prompt, data: imageInput, seed, resolution: resolution("720p") }),
  geometry: only720p,
});

/**
 * Video to video: restyles the `data` video as the prompt describes (a prompt of any length), optionally
 * guided by a `reference_image`, 720p.
 *
 * @example
 * ```ts
 * import { createDecartClient } from "@decart/core";
 * import { lucyProV2v } from "@decart/models";
 *
 * const client = createDecartClient({ apiKey: "key" });
 * const video = new Blob([], { type: "video/mp4" });
 * await client.process({ model: lucyProV2v, prompt: "Convert to anime style", data: video, enhance_prompt: true, num_inference_steps: 50 });
 * ```
 */
export const lucyProV2v = /* @__PURE__ */ defineModel({
  name: "lucy-pro-v2v",
  kind: "video",
  task: "video-to-video",
  inputs: z.strictObject({
    prompt: openPrompt,
    data: videoInput,
    reference_image: z.optional(imageInput),
    seed,
    resolution: resolution("720p"),
    enhance_prompt: enhancePrompt,
    num_inference_steps: inferenceSteps,
  }),
  geometry: only720p,
});

/**
 * Video to video, the fast model: restyles the `data` video, 720p.
 *
 * @example
 * ```ts
 * import { createDecartClient } from "@decart/core";
 * import { lucyFastV2v } from "@decart/models";
 *
 * const client = createDecartClient({ apiKey: "key" });
 * await client.process({ model: lucyFastV2v, prompt: "Watercolor", data: new Blob([], { type: "video/mp4" }) });
 * ```
 */
export const lucyFastV2v = /* @__PURE__ */ defineModel({
  name: "lucy-fast-v2v",
  kind: "video",
  task: "video-to-video",
  inputs: z.strictObject({
    prompt,
    data: videoInput,
    seed,
    resolution: resolution("720p"),
    enhance_prompt: enhancePrompt,
  }),
  geometry: only720p,
});

/**
 * First and last frame to video: a transition from the `start` image to the `end` image, 720p or 480p.
 *
 * @example
 * ```ts
 * import { createDecartClient } from "@decart/core";
 * import { lucyProFlf2v } from "@decart/models";
 *
 * const client = createDecartClient({ apiKey: "key" });
 * await client.process({
 *   model: lucyProFlf2v,
 *   prompt: "Day turns to night",
 *   start: "https://example.com/day.jpg",
 *   end: "https://example.com/night.jpg",
 * });
 * ```
 */
export const lucyProFlf2v = /* @__PURE__ */ defineModel({
  name: "lucy-pro-flf2v",
  kind: "video",
  task: "frames-to-video",
  inputs: z.strictObject({
    prompt,
    start: imageInput,
    end: imageInput,
    seed,
    resolution: resolution("720p", "480p"),
  }),
});

/**
 * Motion: moves the subject of the `data` image along a `trajectory` of 2 to 1000 points, 720p.
 *
 * @example
 * ```ts
 * import { createDecartClient } from "@decart/core";
 * import { lucyMotion } from "@decart/models";
 *
 * const client = createDecartClient({ apiKey: "key" });
 * await client.process({
 *   model: lucyMotion,
 *   data: new Blob([], { type: "image/png" }),
 *   trajectory: [{ frame: 0, x: 100, y: 300 }, { frame: 120, x: 1100, y: 300 }],
 * });
 * ```
 */
export const lucyMotion = /* @__PURE__ */ defineModel({
  name: "lucy-motion",
  kind: "video",
  task: "motion",
  inputs: z.strictObject({ data: imageInput, trajectory, seed, resolution: resolution("720p") }),
  geometry: only720p,
});

/**
 * Text to image: a PNG rendered from a prompt, 720p or 480p, landscape or portrait.
 *
 * @example
 * ```ts
 * import { createDecartClient } from "@decart/core";
 * import { lucyProT2i } from "@decart/models";
 *
 * const client = createDecartClient({ apiKey: "key" });
 * const image = await client.process({ model: lucyProT2i, prompt: "A futuristic cityscape at night", orientation: "portrait" });
 * ```
 */
export const lucyProT2i = /* @__PURE__ */ defineModel({
  name: "lucy-pro-t2i",
  kind: "image",
  task: "text-to-image",
  inputs: z.strictObject({ prompt, seed, resolution: resolution("720p", "480p"), orientation }),
});

/**
 * Image to image: restyles the `data` image as the prompt describes, optionally guided by a
 * `reference_image`, 720p or 480p.
 *
 * @example
 * ```ts
 * import { createDecartClient } from "@decart/core";
 * import { lucyProI2i } from "@decart/models";
 *
 * const client = createDecartClient({ apiKey: "key" });
 * await client.process({ model: lucyProI2i, prompt: "Pencil sketch", data: new Blob([], { type: "image/png" }), enhance_prompt: true });
 * ```
 */
export const lucyProI2i = /* @__PURE__ */ defineModel({
  name: "lucy-pro-i2i",
  kind: "image",
  task: "image-to-image",
  inputs: z.strictObject({
    prompt,
    data: imageInput,
    reference_image: z.optional(imageInput),
    seed,
    resolution: resolution("720p", "480p"),
    enhance_prompt: enhancePrompt,
  }),
});
