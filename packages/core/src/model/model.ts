import type { StandardSchemaV1 } from "./standard-schema";

/**
 * What a model produces: a video (submitted to the job queue) or an image (the sync endpoint).
 *
 * @example
 * ```ts
 * import type { ModelKind } from "@decart/core";
 *
 * const kind: ModelKind = "video";
 * ```
 */
export type ModelKind = "video" | "image";

/**
 * What a model does with its inputs. Tools (forms, CLIs, emulators) read it instead of guessing from a
 * model's name.
 *
 * @example
 * ```ts
 * import type { ModelTask } from "@decart/core";
 *
 * const task: ModelTask = "video-edit";
 * ```
 */
export type ModelTask =
  | "text-to-video"
  | "image-to-video"
  | "video-to-video"
  | "text-to-image"
  | "image-to-image"
  | "frames-to-video"
  | "motion"
  | "video-edit"
  | "try-on"
  | "restyle";

/**
 * The kind of media a file field takes.
 *
 * @example
 * ```ts
 * import type { MediaKind } from "@decart/core";
 *
 * const fileFields: Record<string, MediaKind> = { data: "video", reference_image: "image" };
 * ```
 */
export type MediaKind = "image" | "video";

/**
 * Output geometry of a model at one resolution, in pixels (landscape; portrait swaps them).
 *
 * @example
 * ```ts
 * import type { ModelGeometry } from "@decart/core";
 *
 * const hd: ModelGeometry = { width: 1280, height: 704 };
 * ```
 */
export interface ModelGeometry {
  /** Width in pixels. */
  readonly width: number;
  /** Height in pixels. */
  readonly height: number;
}

/**
 * The contract every model fulfils. `@decart/models` fills a registry with these; a custom model is
 * any object of this shape (see `defineModel` in `@decart/models`).
 *
 * `inputs` is a Standard Schema: the client validates with it before any network call and sends the
 * validated value. Fields named in `fileFields` are sent as multipart file parts; the value says which
 * kind of media each takes (`Object.keys(model.fileFields)` lists them).
 *
 * @example
 * ```ts
 * import type { ModelDefinition } from "@decart/core";
 * import { z } from "zod";
 *
 * const inputs = z.object({ prompt: z.string(), data: z.instanceof(Blob) });
 * const upscaler = {
 *   name: "my-upscaler",
 *   kind: "image",
 *   task: "image-to-image",
 *   endpoints: { generate: "/v1/generate/my-upscaler", jobs: "/v1/jobs/my-upscaler" },
 *   inputs,
 *   fileFields: { data: "image" },
 *   outputType: "image/png",
 *   geometry: { "720p": { width: 1280, height: 704 } },
 * } satisfies ModelDefinition<"my-upscaler", "image", typeof inputs>;
 * ```
 */
export interface ModelDefinition<
  Name extends string = string,
  Kind extends ModelKind = ModelKind,
  Inputs extends StandardSchemaV1 = StandardSchemaV1,
> {
  /** The model's name as the API spells it, such as `lucy-pro-t2v`; used in error messages. */
  readonly name: Name;
  /** `video` (submitted to the job queue and polled) or `image` (the sync endpoint). */
  readonly kind: Kind;
  /** What the model does: `text-to-video`, `video-edit`, `try-on`… */
  readonly task: ModelTask;
  /** Wire paths, relative to the base URL: `/v1/generate/{name}` and `/v1/jobs/{name}`. */
  readonly endpoints: {
    /** The sync endpoint image models use, `/v1/generate/{name}`. */
    readonly generate: string;
    /** The job queue endpoint video models use, `/v1/jobs/{name}`. */
    readonly jobs: string;
  };
  /** The inputs' Standard Schema: validated before any request; the validated value is what is sent. */
  readonly inputs: Inputs;
  /**
   * Input fields sent as multipart file parts, each with the kind of media it takes:
   * `{ data: "video", reference_image: "image" }`.
   */
  readonly fileFields: Readonly<Record<string, MediaKind>>;
  /** MIME type of the result: `video/mp4` or `image/png`. */
  readonly outputType: string;
  /** Output size per resolution name (`720p`, `480p`). */
  readonly geometry: Readonly<Record<string, ModelGeometry>>;
  /** Frames per second of video output. */
  readonly fps?: number;
  /** Longest video output, in seconds. */
  readonly maxDurationSeconds?: number;
}

/**
 * The inputs a model accepts, as the caller writes them.
 *
 * @example
 * ```ts
 * import type { ModelDefinition, ModelInputs } from "@decart/core";
 *
 * type Inputs<M extends ModelDefinition> = ModelInputs<M>;
 * ```
 */
export type ModelInputs<Model extends ModelDefinition> = StandardSchemaV1.InferInput<Model["inputs"]>;
