import {
  lucyDevI2v,
  lucyFastV2v,
  lucyMotion,
  lucyProFlf2v,
  lucyProI2i,
  lucyProI2v,
  lucyProT2i,
  lucyProT2v,
  lucyProV2v,
} from "./catalog";
import {
  lucy21,
  lucy21Vton2,
  lucy25,
  lucyClip,
  lucyClipLatest,
  lucyImage2,
  lucyImageLatest,
  lucyLatest,
  lucyRestyle2,
  lucyRestyleLatest,
  lucyRestyleV2v,
  lucyVton2,
  lucyVton3,
  lucyVton35,
  lucyVtonLatest,
} from "./edit-catalog";
import { createRegistry } from "./registry";

/**
 * The built-in registry: every Decart model of the Process API — the generation models (text, image
 * and video to video, text to image), then the editing models, the server-resolved `*-latest` aliases and the deprecated names that
 * still work (they warn once). `models.video(name)` and
 * `models.image(name)` autocomplete the names of their kind and return the precise definition, so the
 * inputs of `client.process` are typed per model.
 *
 * @example
 * ```ts
 * import { createDecartClient } from "@decart/core";
 * import { models } from "@decart/models";
 *
 * const client = createDecartClient({ apiKey: "key" });
 * const video = await client.process({
 *   model: models.video("lucy-pro-t2v"),
 *   prompt: "A serene lake at sunset with mountains in the background",
 *   seed: 42,
 *   resolution: "720p",
 *   orientation: "landscape",
 * });
 * ```
 */
export const models = /* @__PURE__ */ createRegistry(
  lucyProT2v,
  lucyProI2v,
  lucyDevI2v,
  lucyProV2v,
  lucyFastV2v,
  lucyProFlf2v,
  lucyMotion,
  lucyProT2i,
  lucyProI2i,
  lucyClip,
  lucyRestyle2,
  lucy21,
  lucy25,
  lucyVton2,
  lucyVton3,
  lucyVton35,
  lucyImage2,
  lucyLatest,
  lucyVtonLatest,
  lucyRestyleLatest,
  lucyClipLatest,
  lucyImageLatest,
  lucyRestyleV2v,
  lucy21Vton2,
);

/**
 * The name of a built-in video model.
 *
 * @example
 * ```ts
 * import type { VideoModelName } from "@decart/models";
 *
 * const name: VideoModelName = "lucy-pro-v2v";
 * ```
 */
export type VideoModelName = Parameters<typeof models.video>[0];

/**
 * The name of a built-in image model.
 *
 * @example
 * ```ts
 * import type { ImageModelName } from "@decart/models";
 *
 * const name: ImageModelName = "lucy-pro-t2i";
 * ```
 */
export type ImageModelName = Parameters<typeof models.image>[0];
