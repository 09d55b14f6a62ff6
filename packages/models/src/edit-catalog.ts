import type { FileInput } from "@decart/core";
import * as z from "zod/mini";
import { defineModel } from "./define-model";
import { editPrompt, enhancePrompt, openPrompt, prompt, resolution, seed } from "./fields";
import { imageInput, videoInput } from "./file-input";
import { standardGeometry } from "./geometry";
import { aliasModel, deprecatedModel } from "./lifecycle";
import { promptOrReference } from "./rules";

// The Process API's editing models: video and image edits guided by a prompt and an
// optional reference image, a restyle, and virtual try-on; then the server-resolved `*-latest` aliases and
// the deprecated names. Like the generation catalog, each is its own constant so it tree-shakes.

const referenceImage = /* @__PURE__ */ z.optional(imageInput);

/** The inputs of lucy-2.1, lucy-2.5 and the try-on models: the prompt may be empty. */
const videoEdit2Inputs = /* @__PURE__ */ z.strictObject({
  prompt: editPrompt,
  data: videoInput,
  reference_image: referenceImage,
  seed,
  resolution: resolution("720p"),
  enhance_prompt: enhancePrompt,
});

const restyleShape = /* @__PURE__ */ z.strictObject({
  prompt: z.optional(openPrompt),
  reference_image: referenceImage,
  data: videoInput,
  seed,
  resolution: resolution("720p"),
  enhance_prompt: enhancePrompt,
});

type RestyleCommon = Omit<z.input<typeof restyleShape>, "prompt" | "reference_image" | "enhance_prompt">;
type RestyleOutputCommon = Omit<
  z.output<typeof restyleShape>,
  "prompt" | "reference_image" | "enhance_prompt"
>;

/** What lucy-restyle-2 accepts: a prompt (optionally enhanced) or a reference image, never both. */
export type RestyleInputs = RestyleCommon &
  (
    | {
        /** How to restyle the video: at least one character. */
        prompt: string;
        /** Let the server rewrite `prompt` for better results. */
        enhance_prompt?: boolean | undefined;
        /** Not allowed with `prompt`: give one or the other. */
        reference_image?: never;
      }
    | {
        /**
         * An image whose look is copied onto the video: any `FileInput` (a `Blob`, bytes, a stream or an
         * http(s) URL).
         */
        reference_image: FileInput;
        /** Not allowed with `reference_image`: give one or the other. */
        prompt?: never;
        /** Only applies to `prompt`, so not allowed with `reference_image`. */
        enhance_prompt?: never;
      }
  );

type RestyleOutput = RestyleOutputCommon &
  (
    | { prompt: string; enhance_prompt?: boolean | undefined; reference_image?: never }
    | { reference_image: FileInput; prompt?: never; enhance_prompt?: never }
  );

// The rule is checked at run time; the union makes the wrong combinations a compile error too.
const restyleInputs = /* @__PURE__ */ restyleShape.check(promptOrReference) as unknown as z.ZodMiniType<
  RestyleOutput,
  RestyleInputs
>;

const geometry1088 = { "720p": { width: 1088, height: 624 } };
const geometry1280x720 = { "720p": { width: 1280, height: 720 } };
const only720p = { "720p": standardGeometry["720p"] };

/**
 * Video edit: changes the `data` video as the prompt describes, optionally guided by a `reference_image`
 * (what to add or how it should look); 1280×704 at 25 fps, up to 5 s.
 *
 * @example
 * ```ts
 * import { createDecartClient } from "@decart/core";
 * import { lucyClip } from "@decart/models";
 *
 * const client = createDecartClient({ apiKey: "key" });
 * const video = new Blob([], { type: "video/mp4" });
 * await client.process({ model: lucyClip, prompt: "Add a red scarf", data: video, reference_image: "https://example.com/scarf.png" });
 * ```
 */
export const lucyClip = /* @__PURE__ */ defineModel({
  name: "lucy-clip",
  kind: "video",
  task: "video-edit",
  inputs: z.strictObject({
    prompt: openPrompt,
    data: videoInput,
    reference_image: referenceImage,
    seed,
    resolution: resolution("720p"),
    enhance_prompt: enhancePrompt,
  }),
  geometry: only720p,
  fps: 25,
});

/**
 * Image edit: changes the `data` image as the prompt describes, optionally guided by a `reference_image`;
 * 720p (1280×704) or 480p (832×480) PNG.
 *
 * @example
 * ```ts
 * import { createDecartClient } from "@decart/core";
 * import { lucyImage2 } from "@decart/models";
 *
 * const client = createDecartClient({ apiKey: "key" });
 * await client.process({ model: lucyImage2, prompt: "Make it winter", data: new Blob([], { type: "image/png" }) });
 * ```
 */
export const lucyImage2 = /* @__PURE__ */ defineModel({
  name: "lucy-image-2",
  kind: "image",
  task: "image-to-image",
  inputs: z.strictObject({
    prompt,
    data: imageInput,
    reference_image: referenceImage,
    seed,
    resolution: resolution("720p", "480p"),
    enhance_prompt: enhancePrompt,
  }),
});

/**
 * Video restyle: restyles the `data` video from exactly one of a `prompt` (which `enhance_prompt` may
 * rewrite) or a `reference_image` whose look is copied; 1280×704 at 22 fps, up to 5 s.
 *
 * @example
 * ```ts
 * import { createDecartClient } from "@decart/core";
 * import { lucyRestyle2 } from "@decart/models";
 *
 * const client = createDecartClient({ apiKey: "key" });
 * const video = new Blob([], { type: "video/mp4" });
 * await client.process({ model: lucyRestyle2, prompt: "Watercolor painting", data: video, enhance_prompt: true });
 * await client.process({ model: lucyRestyle2, reference_image: new Blob([], { type: "image/png" }), data: video });
 * ```
 */
export const lucyRestyle2 = /* @__PURE__ */ defineModel({
  name: "lucy-restyle-2",
  kind: "video",
  task: "restyle",
  inputs: restyleInputs,
  geometry: only720p,
  fps: 22,
});

/**
 * Video edit, second generation: edits the `data` video from a prompt (which may be empty) and an optional
 * `reference_image`; 1088×624 at 20 fps, up to 5 s.
 *
 * @example
 * ```ts
 * import { createDecartClient } from "@decart/core";
 * import { lucy21 } from "@decart/models";
 *
 * const client = createDecartClient({ apiKey: "key" });
 * await client.process({ model: lucy21, prompt: "Turn the jacket red", data: new Blob([], { type: "video/mp4" }) });
 * ```
 */
export const lucy21 = /* @__PURE__ */ defineModel({
  name: "lucy-2.1",
  kind: "video",
  task: "video-edit",
  inputs: videoEdit2Inputs,
  geometry: geometry1088,
  fps: 20,
});

/**
 * Video edit, the newest generation: the inputs of lucy-2.1, at 1280×720 and 20 fps, up to 5 s.
 *
 * @example
 * ```ts
 * import { createDecartClient } from "@decart/core";
 * import { lucy25 } from "@decart/models";
 *
 * const client = createDecartClient({ apiKey: "key" });
 * await client.process({ model: lucy25, prompt: "", data: new Blob([], { type: "video/mp4" }), reference_image: new Blob([]) });
 * ```
 */
export const lucy25 = /* @__PURE__ */ defineModel({
  name: "lucy-2.5",
  kind: "video",
  task: "video-edit",
  inputs: videoEdit2Inputs,
  geometry: geometry1280x720,
  fps: 20,
});

/**
 * Virtual try-on: dresses the person in the `data` video in the garment of the `reference_image`, as the
 * prompt (which may be empty) describes; 1088×624 at 20 fps, up to 5 s.
 *
 * @example
 * ```ts
 * import { createDecartClient } from "@decart/core";
 * import { lucyVton2 } from "@decart/models";
 *
 * const client = createDecartClient({ apiKey: "key" });
 * await client.process({
 *   model: lucyVton2,
 *   prompt: "",
 *   data: new Blob([], { type: "video/mp4" }),
 *   reference_image: "https://example.com/jacket.png",
 * });
 * ```
 */
export const lucyVton2 = /* @__PURE__ */ defineModel({
  name: "lucy-vton-2",
  kind: "video",
  task: "try-on",
  inputs: videoEdit2Inputs,
  geometry: geometry1088,
  fps: 20,
});

/**
 * Virtual try-on, the newer model: the inputs and output of lucy-vton-2 (1088×624 at 20 fps).
 *
 * @example
 * ```ts
 * import { createDecartClient } from "@decart/core";
 * import { lucyVton3 } from "@decart/models";
 *
 * const client = createDecartClient({ apiKey: "key" });
 * await client.process({ model: lucyVton3, prompt: "A denim jacket", data: new Blob([], { type: "video/mp4" }) });
 * ```
 */
export const lucyVton3 = /* @__PURE__ */ defineModel({
  name: "lucy-vton-3",
  kind: "video",
  task: "try-on",
  inputs: videoEdit2Inputs,
  geometry: geometry1088,
  fps: 20,
});

/**
 * Virtual try-on, the newest model: the inputs of lucy-vton-3, at 1280×720 and 20 fps, up to 5 s.
 *
 * @example
 * ```ts
 * import { createDecartClient } from "@decart/core";
 * import { lucyVton35 } from "@decart/models";
 *
 * const client = createDecartClient({ apiKey: "key" });
 * await client.process({
 *   model: lucyVton35,
 *   prompt: "",
 *   data: new Blob([], { type: "video/mp4" }),
 *   reference_image: "https://example.com/jacket.png",
 * });
 * ```
 */
export const lucyVton35 = /* @__PURE__ */ defineModel({
  name: "lucy-vton-3.5",
  kind: "video",
  task: "try-on",
  inputs: videoEdit2Inputs,
  geometry: geometry1280x720,
  fps: 20,
});

/**
 * `lucy-latest`: the server resolves it to its current video edit model (lucy-2.1 at this release); sent
 * as `lucy-latest`, with lucy-2.1's inputs and geometry (1088×624 at 20 fps).
 *
 * @example
 * ```ts
 * import { createDecartClient } from "@decart/core";
 * import { lucyLatest } from "@decart/models";
 *
 * const client = createDecartClient({ apiKey: "key" });
 * await client.process({ model: lucyLatest, prompt: "Snowing", data: new Blob([], { type: "video/mp4" }) });
 * ```
 */
export const lucyLatest = /* @__PURE__ */ aliasModel("lucy-latest", lucy21);

/**
 * `lucy-vton-latest`: the server resolves it to its current try-on model (lucy-vton-3.5 at this release):
 * its inputs and geometry (1280×720 at 20 fps).
 *
 * @example
 * ```ts
 * import { createDecartClient } from "@decart/core";
 * import { lucyVtonLatest } from "@decart/models";
 *
 * const client = createDecartClient({ apiKey: "key" });
 * await client.process({ model: lucyVtonLatest, prompt: "", data: new Blob([]), reference_image: new Blob([]) });
 * ```
 */
export const lucyVtonLatest = /* @__PURE__ */ aliasModel("lucy-vton-latest", lucyVton35);

/**
 * `lucy-restyle-latest`: the server resolves it to its newest restyle model (lucy-restyle-2 at this release).
 *
 * @example
 * ```ts
 * import { createDecartClient } from "@decart/core";
 * import { lucyRestyleLatest } from "@decart/models";
 *
 * const client = createDecartClient({ apiKey: "key" });
 * await client.process({ model: lucyRestyleLatest, prompt: "Film noir", data: new Blob([]) });
 * ```
 */
export const lucyRestyleLatest = /* @__PURE__ */ aliasModel("lucy-restyle-latest", lucyRestyle2);

/**
 * `lucy-clip-latest`: the server resolves it to its newest clip edit model (lucy-clip at this release).
 *
 * @example
 * ```ts
 * import { createDecartClient } from "@decart/core";
 * import { lucyClipLatest } from "@decart/models";
 *
 * const client = createDecartClient({ apiKey: "key" });
 * await client.process({ model: lucyClipLatest, prompt: "Anime", data: new Blob([]) });
 * ```
 */
export const lucyClipLatest = /* @__PURE__ */ aliasModel("lucy-clip-latest", lucyClip);

/**
 * `lucy-image-latest`: the server resolves it to its newest image edit model (lucy-image-2 at this release).
 *
 * @example
 * ```ts
 * import { createDecartClient } from "@decart/core";
 * import { lucyImageLatest } from "@decart/models";
 *
 * const client = createDecartClient({ apiKey: "key" });
 * await client.process({ model: lucyImageLatest, prompt: "Golden hour", data: new Blob([]) });
 * ```
 */
export const lucyImageLatest = /* @__PURE__ */ aliasModel("lucy-image-latest", lucyImage2);

/**
 * @deprecated Use {@link lucyRestyle2} (`lucy-restyle-2`), which takes the same inputs. This name still
 * works; its first use in a process warns once.
 *
 * @example
 * ```ts
 * import { lucyRestyleV2v } from "@decart/models";
 *
 * lucyRestyleV2v.replacedBy; // "lucy-restyle-2"
 * ```
 */
export const lucyRestyleV2v = /* @__PURE__ */ deprecatedModel("lucy-restyle-v2v", lucyRestyle2);

/**
 * @deprecated Use {@link lucyVton2} (`lucy-vton-2`), which takes the same inputs. This name still works;
 * its first use in a process warns once.
 *
 * @example
 * ```ts
 * import { lucy21Vton2 } from "@decart/models";
 *
 * lucy21Vton2.replacedBy; // "lucy-vton-2"
 * ```
 */
export const lucy21Vton2 = /* @__PURE__ */ deprecatedModel("lucy-2.1-vton-2", lucyVton2);
