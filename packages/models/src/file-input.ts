import type { FileInput, MediaKind } from "@decart/core";
import * as z from "zod/mini";
import { fieldName } from "./messages";

// The file types the client can upload are the core's to define; the models check against them.
export type { FileInput } from "@decart/core";

const instanceOf = (value: unknown, type: unknown): boolean =>
  typeof type === "function" && value instanceof (type as abstract new (...args: never[]) => unknown);

/**
 * Whether `value` is something a file field accepts: a `FileInput` of `@decart/core` (`Blob`, `File`,
 * `ArrayBuffer`, a typed array or `DataView`, `ReadableStream`, `URL`, or an http(s) URL string).
 * Blobs from another realm (a second copy of a polyfill, a jsdom window) are recognised by shape.
 *
 * @example
 * ```ts
 * import { isFileInput } from "@decart/models";
 *
 * isFileInput(new Blob(["hello"])); // true
 * isFileInput("https://example.com/clip.mp4"); // true
 * isFileInput("clip.mp4"); // false: a path is not a URL; read it with fileFromPath from @decart/node
 * ```
 */
export function isFileInput(value: unknown): value is FileInput {
  if (typeof value === "string") return /^https?:\/\/[^\s/?#]+/i.test(value);
  if (typeof value !== "object" || value === null) return false;
  if (
    instanceOf(value, globalThis.Blob) ||
    value instanceof ArrayBuffer ||
    ArrayBuffer.isView(value) ||
    instanceOf(value, globalThis.ReadableStream) ||
    instanceOf(value, globalThis.URL)
  ) {
    return true;
  }
  const blobLike = value as Partial<Blob>;
  return (
    typeof blobLike.size === "number" &&
    typeof blobLike.stream === "function" &&
    typeof blobLike.arrayBuffer === "function"
  );
}

const fileError = (issue: z.core.$ZodRawIssue): string | undefined =>
  issue.input === undefined
    ? undefined
    : `${fieldName(issue.path)} must be a Blob, File, ArrayBuffer, Uint8Array, ReadableStream, URL or http(s) URL string`;

const fileSchema = (): z.ZodMiniCustom<FileInput, FileInput> =>
  z.custom<FileInput>(isFileInput, { error: fileError });

/**
 * The schema of a file field whose kind of media the model does not say. A custom model that uses it
 * must name the kind in `defineModel`'s `fileFields` (`{ data: "image" }`); prefer {@link imageInput}
 * or {@link videoInput}, which say it themselves. The JSON Schema export renders every file field as
 * `{ "type": "string", "format": "binary" }`.
 *
 * @example
 * ```ts
 * import * as z from "zod/mini";
 * import { defineModel, fileInput } from "@decart/models";
 *
 * const upscaler = defineModel({
 *   name: "my-upscaler",
 *   kind: "image",
 *   task: "image-to-image",
 *   inputs: z.strictObject({ data: fileInput, mask: z.optional(fileInput) }),
 *   fileFields: { data: "image", mask: "image" },
 * });
 * upscaler.fileFields; // { data: "image", mask: "image" }
 * ```
 */
export const fileInput: z.ZodMiniCustom<FileInput, FileInput> = /* @__PURE__ */ fileSchema();

/**
 * The schema of a file field that takes an image: the checks of {@link fileInput}, and `defineModel`
 * lists the field in `fileFields` as `"image"`.
 *
 * @example
 * ```ts
 * import * as z from "zod/mini";
 * import { defineModel, imageInput } from "@decart/models";
 *
 * const sketch = defineModel({
 *   name: "my-sketch-i2i",
 *   kind: "image",
 *   task: "image-to-image",
 *   inputs: z.strictObject({ prompt: z.string(), data: imageInput }),
 * });
 * sketch.fileFields; // { data: "image" }
 * ```
 */
export const imageInput: z.ZodMiniCustom<FileInput, FileInput> = /* @__PURE__ */ fileSchema();

/**
 * The schema of a file field that takes a video: the checks of {@link fileInput}, and `defineModel`
 * lists the field in `fileFields` as `"video"`.
 *
 * @example
 * ```ts
 * import * as z from "zod/mini";
 * import { defineModel, imageInput, videoInput } from "@decart/models";
 *
 * const recolor = defineModel({
 *   name: "my-recolor",
 *   kind: "video",
 *   task: "video-edit",
 *   inputs: z.strictObject({ data: videoInput, palette: z.optional(imageInput) }),
 * });
 * recolor.fileFields; // { data: "video", palette: "image" }
 * ```
 */
export const videoInput: z.ZodMiniCustom<FileInput, FileInput> = /* @__PURE__ */ fileSchema();

/**
 * Whether `schema` is one of the file schemas, and the kind of media it says: `"image"`, `"video"`, or
 * `"unknown"` for {@link fileInput}; `undefined` when it is not a file schema.
 */
export function fileSchemaKind(schema: unknown): MediaKind | "unknown" | undefined {
  if (schema === imageInput) return "image";
  if (schema === videoInput) return "video";
  if (schema === fileInput) return "unknown";
  return undefined;
}
