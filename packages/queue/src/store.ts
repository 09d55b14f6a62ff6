import { resolve } from "node:path";
import { Readable } from "node:stream";
import { extensionForType, saveResult } from "@decart/node";
import { createS3Client, isS3Uri, parseS3Uri, type S3Options } from "./s3";

/** What an output template may name. */
export interface OutputNames {
  /** The item's name. */
  name: string;
  /** The item's key. */
  key: string;
  /** The result's extension without the dot (`mp4`, `png`). */
  ext: string;
}

/**
 * What a {@link ResultStore} stored.
 *
 * @example
 * ```ts
 * import type { StoredResult } from "@decart/queue";
 *
 * const line = (stored: StoredResult) => `${stored.location} (${stored.bytes} bytes)`;
 * ```
 */
export interface StoredResult {
  /** An absolute path or an `s3://` URI. */
  location: string;
  /** The result's size. */
  bytes: number;
}

/**
 * Where a worker puts results. `save` stores one result (streaming it) and resolves where it went
 * (an absolute path or an `s3://` URI) and how many bytes it holds.
 *
 * @example
 * ```ts
 * import type { ResultStore } from "@decart/queue";
 *
 * const discard: ResultStore = {
 *   describe: () => "nowhere",
 *   save: async (result, names) => ({ location: `memory:${names.key}`, bytes: result.size }),
 * };
 * ```
 */
export interface ResultStore {
  /** Where results go, for messages (`/mnt/shared/out`, `s3://bucket/prefix/`). */
  describe(): string;
  /** Stores one result under the names, streaming it, and resolves where it went and its size. */
  save(result: Blob, names: OutputNames, signal?: AbortSignal): Promise<StoredResult>;
}

/** Fills an output template such as `{name}.{ext}`; unknown braces stay as they are. */
export function fillTemplate(template: string, names: OutputNames): string {
  return template.replace(/\{(name|key|ext)\}/g, (_match, field: keyof OutputNames) => names[field]);
}

/** The extension, without the dot, of a result's type. */
export function extensionOf(type: string): string {
  return (extensionForType(type) ?? ".bin").replace(/^\./, "");
}

/** A folder (a shared mount across machines): each result saved atomically through `saveResult`. */
function folderStore(folder: string, template: string): ResultStore {
  const root = resolve(folder);
  return {
    describe: () => root,
    async save(result, names, signal) {
      const saved = await saveResult(result, resolve(root, fillTemplate(template, names)), {
        mkdir: true,
        ...(signal ? { signal } : {}),
      });
      return { location: saved.path, bytes: saved.bytes };
    },
  };
}

/** An S3 prefix: each result streamed as a multipart upload, never held whole in memory. */
function s3Store(uri: string, template: string, options: S3Options): ResultStore {
  const { bucket, key: prefix } = parseS3Uri(uri);
  const base = prefix === "" || prefix.endsWith("/") ? prefix : `${prefix}/`;
  let client: ReturnType<typeof createS3Client> | undefined;
  return {
    describe: () => `s3://${bucket}/${base}`,
    async save(result, names, signal) {
      client ??= createS3Client(options);
      const { Upload } = await import("@aws-sdk/lib-storage");
      const key = `${base}${fillTemplate(template, names)}`;
      const upload = new Upload({
        client: await client,
        params: {
          Bucket: bucket,
          Key: key,
          Body: Readable.fromWeb(result.stream() as never),
          ContentType: result.type || "application/octet-stream",
        },
        // Parts of 8 MiB, two at a time: at most ~16 MiB of a result in memory.
        partSize: 8 * 1024 * 1024,
        queueSize: 2,
      });
      const abort = () => void upload.abort();
      signal?.addEventListener("abort", abort, { once: true });
      try {
        await upload.done();
      } finally {
        signal?.removeEventListener("abort", abort);
      }
      return { location: `s3://${bucket}/${key}`, bytes: result.size };
    },
  };
}

/**
 * The store for a worker's `output`: a folder path, or an `s3://bucket/prefix/` URI. Object and file
 * names come from `template` (`{name}`, `{key}`, `{ext}`), as `decart batch` names them.
 */
export function resultStore(
  output: string | ResultStore,
  template = "{name}.{ext}",
  s3: S3Options = {},
): ResultStore {
  if (typeof output !== "string") return output;
  return isS3Uri(output) ? s3Store(output, template, s3) : folderStore(output, template);
}
