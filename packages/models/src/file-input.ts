import type { FileInput } from "@decart/core";
import * as z from "zod/mini";
import { fieldName } from "./messages";

// The file types the client can upload are the core's to define (SPEC 4); the models check against them.
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

/**
 * The schema of a file field. Use it in a custom model's inputs: `defineModel` lists every field built
 * on it in `fileFields`, and the JSON Schema export renders it as `{ "type": "string", "format": "binary" }`.
 *
 * @example
 * ```ts
 * import type { FileInput } from "@decart/core";
 * import * as z from "zod/mini";
 * import { defineModel, fileInput } from "@decart/models";
 *
 * const upscaler = defineModel({
 *   name: "my-upscaler",
 *   kind: "image",
 *   inputs: z.strictObject({ data: fileInput, mask: z.optional(fileInput) }),
 * });
 * upscaler.fileFields; // ["data", "mask"]
 * ```
 */
export const fileInput: z.ZodMiniCustom<FileInput, FileInput> = /* @__PURE__ */ z.custom<FileInput>(
  isFileInput,
  {
    error: (issue) =>
      issue.input === undefined
        ? undefined
        : `${fieldName(issue.path)} must be a Blob, File, ArrayBuffer, Uint8Array, ReadableStream, URL or http(s) URL string`,
  },
);
