import type {
  MediaKind,
  ModelDefinition,
  ModelGeometry,
  ModelKind,
  ModelTask,
  StandardSchemaV1,
} from "@decart/core";
import { routes } from "@decart/core";
import { fileSchemaKind } from "./file-input";
import { standardGeometry } from "./geometry";
import { isZodSchema, withFieldMessages } from "./messages";

/** What `defineModel` needs: a name, a kind, a task and an input schema; the rest has defaults. */
export interface DefineModelOptions<
  Name extends string,
  Kind extends ModelKind,
  Inputs extends StandardSchemaV1,
> {
  /** The model id, as it appears in the wire paths. */
  name: Name;
  /** `video` models go through the job queue, `image` models through the sync endpoint. */
  kind: Kind;
  /** What the model does (`image-to-video`, `video-edit`…), for tools that build forms or previews. */
  task: ModelTask;
  /**
   * The input schema, any Standard Schema. A zod schema gets field-naming messages
   * (`prompt must not be empty`); prefer `z.strictObject` so a misspelt field is rejected.
   */
  inputs: Inputs;
  /**
   * Fields sent as multipart file parts, with the kind of media each takes. Fields built on `imageInput`
   * or `videoInput` are found without it; a field on `fileInput` must be named here; an entry here wins
   * over what is found. @default every top-level field built on `imageInput` or `videoInput`
   */
  fileFields?: Readonly<Record<string, MediaKind>>;
  /** MIME type of the result. @default "video/mp4" for video, "image/png" for image */
  outputType?: string;
  /** Output size per resolution name, landscape. @default 720p 1280×704 and 480p 832×480 */
  geometry?: Readonly<Record<string, ModelGeometry>>;
  /** Frames per second of a video. @default 25 for video */
  fps?: number;
  /** Longest video, in seconds. @default 5 for video */
  maxDurationSeconds?: number;
}

/** Unwraps `optional`/`default`/`nullable` to the schema that does the work. */
/** The wire paths of the model named `name`. */
export const endpointsOf = (name: string): ModelDefinition["endpoints"] => ({
  generate: routes.generate(name),
  jobs: routes.submit(name),
});

export function innerSchema(schema: unknown): unknown {
  let current = schema as { _zod?: { def: { innerType?: unknown } } } | undefined;
  while (current?._zod?.def.innerType) current = current._zod.def.innerType as typeof current;
  return current;
}

const mediaKinds: readonly string[] = ["image", "video"];

/** The file fields of `inputs` with their kinds: found from the file schemas, completed by `given`. */
function resolveFileFields(
  name: string,
  inputs: StandardSchemaV1,
  given: Readonly<Record<string, MediaKind>> = {},
): Record<string, MediaKind> {
  const shape = (inputs as { _zod?: { def: { shape?: Record<string, unknown> } } })._zod?.def.shape;
  const fields: Record<string, MediaKind> = {};
  for (const [key, schema] of Object.entries(shape ?? {})) {
    const kind = given[key] ?? fileSchemaKind(innerSchema(schema));
    if (kind === "unknown") {
      throw new TypeError(
        `defineModel(${name}): the file field ${key} is built on fileInput, so its kind of media is unknown; ` +
          `build it on imageInput or videoInput, or name it in fileFields: { ${key}: "image" } or { ${key}: "video" }`,
      );
    }
    if (kind !== undefined) fields[key] = kind;
  }
  for (const [key, kind] of Object.entries(given)) {
    if (!mediaKinds.includes(kind)) {
      throw new TypeError(
        `defineModel(${name}): fileFields.${key} must be "image" or "video", not ${String(kind)}`,
      );
    }
    if (shape && !Object.hasOwn(shape, key)) {
      throw new TypeError(`defineModel(${name}): fileFields names ${key}, which is not one of its inputs`);
    }
    fields[key] = kind;
  }
  return fields;
}

/**
 * Describes a model — a built-in one or your own — as the client expects it: endpoints are derived from
 * the name, the file fields and their kinds from the file schemas (`imageInput`, `videoInput`), and output type, geometry and frame rate default to the Decart models' values. The result is
 * plain data; pass it as `model` to `client.process`, or add it to a registry with `createRegistry`.
 *
 * @example
 * ```ts
 * import * as z from "zod/mini";
 * import { createDecartClient } from "@decart/core";
 * import { defineModel, imageInput } from "@decart/models";
 *
 * const sketch = defineModel({
 *   name: "my-sketch-i2i",
 *   kind: "image",
 *   task: "image-to-image",
 *   inputs: z.strictObject({ prompt: z.string(), data: imageInput, strength: z.optional(z.number()) }),
 *   geometry: { "1024": { width: 1024, height: 1024 } },
 * });
 *
 * const client = createDecartClient({ apiKey: "key" });
 * await client.process({ model: sketch, prompt: "pencil sketch", data: new Blob([]) });
 * ```
 */
export function defineModel<
  const Name extends string,
  const Kind extends ModelKind,
  Inputs extends StandardSchemaV1,
>(options: DefineModelOptions<Name, Kind, Inputs>): ModelDefinition<Name, Kind, Inputs> {
  const { name, kind, task, inputs, fps, maxDurationSeconds } = options;
  const video = kind === "video";
  const definition: {
    -readonly [Key in keyof ModelDefinition<Name, Kind, Inputs>]: ModelDefinition<Name, Kind, Inputs>[Key];
  } = {
    name,
    kind,
    task,
    endpoints: endpointsOf(name),
    inputs: isZodSchema(inputs) ? (withFieldMessages(inputs) as unknown as Inputs) : inputs,
    fileFields: resolveFileFields(name, inputs, options.fileFields),
    outputType: options.outputType ?? (video ? "video/mp4" : "image/png"),
    geometry: options.geometry ?? standardGeometry,
  };
  // Video models default to 25 fps and 5 s; an image model has neither unless given.
  if (fps !== undefined || video) definition.fps = fps ?? 25;
  if (maxDurationSeconds !== undefined || video) definition.maxDurationSeconds = maxDurationSeconds ?? 5;
  return definition;
}
