import type { S3Client } from "@aws-sdk/client-s3";
import { type FileInput, InvalidInputError, type ModelDefinition } from "@decart/core";
import { fileFromPath } from "@decart/node";
import { isLocalPath } from "./items";
import { downloadS3Object, isS3Uri } from "./s3";

/** An item's inputs opened for a submission, and what to clean up after it. */
export interface OpenedInputs {
  inputs: Record<string, unknown>;
  release(): Promise<void>;
}

/**
 * Opens the file references of an item's inputs: a local path as a lazily read file, an `s3://` URI
 * downloaded (streaming) to a temporary file first, an http(s) URL passed on for the API to fetch.
 */
export async function openInputs(
  model: ModelDefinition,
  inputs: Readonly<Record<string, unknown>>,
  s3: () => Promise<S3Client>,
  signal?: AbortSignal,
): Promise<OpenedInputs> {
  const opened: Record<string, unknown> = { ...inputs };
  const cleanups: Array<() => Promise<void>> = [];
  const release = async () => {
    await Promise.all(cleanups.map((cleanup) => cleanup().catch(() => {})));
  };
  try {
    for (const field of Object.keys(model.fileFields)) {
      const reference = inputs[field];
      if (typeof reference !== "string") continue;
      try {
        if (isS3Uri(reference)) {
          const download = await downloadS3Object(await s3(), reference, signal);
          cleanups.push(download.remove);
          opened[field] = (await fileFromPath(
            download.path,
            download.type ? { type: download.type } : {},
          )) satisfies FileInput;
        } else if (isLocalPath(reference)) {
          opened[field] = await fileFromPath(reference);
        }
      } catch (error) {
        throw missingInput(model.name, field, reference, error);
      }
    }
    return { inputs: opened, release };
  } catch (error) {
    await release();
    throw error;
  }
}

/**
 * A file that is not there (no such path, no such S3 object, or no right to read it) fails the item for
 * good, as refused inputs do; any other failure (a storage hiccup) is left to be retried.
 */
function missingInput(model: string, field: string, reference: string, error: unknown): unknown {
  const { code, name, $metadata } = error as {
    code?: string;
    name?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const status = $metadata?.httpStatusCode;
  const gone =
    code === "ENOENT" ||
    code === "EACCES" ||
    code === "EISDIR" ||
    name === "NoSuchKey" ||
    name === "NoSuchBucket" ||
    status === 403 ||
    status === 404;
  if (!gone) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new InvalidInputError(
    `Invalid inputs for ${model}: ${field}: cannot read ${reference}: ${name && name !== "Error" ? `${name}: ` : ""}${reason}`,
    {
      cause: error,
    },
  );
}
