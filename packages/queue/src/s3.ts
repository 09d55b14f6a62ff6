import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { S3Client, S3ClientConfig } from "@aws-sdk/client-s3";

/**
 * Where and how to reach S3-compatible storage. Every field falls back to the AWS SDK's usual sources:
 * `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL`, `AWS_REGION`, `AWS_ACCESS_KEY_ID` and
 * `AWS_SECRET_ACCESS_KEY`, shared config files and instance roles.
 *
 * @example
 * ```ts
 * import type { S3Options } from "@decart/queue";
 *
 * const minio: S3Options = { endpoint: "http://127.0.0.1:9000", region: "us-east-1", forcePathStyle: true };
 * ```
 */
export interface S3Options {
  /** The endpoint of an S3-compatible server, such as MinIO's. @default AWS's, or `AWS_ENDPOINT_URL_S3` */
  endpoint?: string;
  /** @default `AWS_REGION`, else `us-east-1` */
  region?: string;
  /** Static credentials. @default the AWS SDK's credential chain */
  credentials?: {
    /** The access key id. */
    accessKeyId: string;
    /** The secret access key. */
    secretAccessKey: string;
    /** A session token, for temporary credentials. */
    sessionToken?: string;
  };
  /** Address buckets by path (`endpoint/bucket/key`), as most S3-compatible servers want. @default `true` with a custom endpoint */
  forcePathStyle?: boolean;
  /** An S3 client of your own, used as it is (the other fields are then ignored). */
  client?: S3Client;
}

/** A parsed `s3://bucket/key` URI. */
export interface S3Location {
  bucket: string;
  key: string;
}

/** Whether text is an `s3://bucket/…` URI. */
export const isS3Uri = (text: string): boolean => /^s3:\/\/[^/\s]+/i.test(text);

/** Splits `s3://bucket/some/key` into its bucket and key (the key without a leading slash). */
export function parseS3Uri(uri: string): S3Location {
  const match = /^s3:\/\/([^/\s]+)\/?(.*)$/i.exec(uri);
  if (!match) throw new Error(`Not an S3 URI: ${uri} (expected s3://bucket/key)`);
  return { bucket: match[1] as string, key: match[2] as string };
}

let sdk: Promise<typeof import("@aws-sdk/client-s3")> | undefined;

/** The AWS SDK, loaded on first use: a fleet writing to a folder never loads it. */
export function loadS3Sdk(): Promise<typeof import("@aws-sdk/client-s3")> {
  sdk ??= import("@aws-sdk/client-s3");
  return sdk;
}

/** An S3 client for the options, with the environment's settings where the options say nothing. */
export async function createS3Client(options: S3Options = {}): Promise<S3Client> {
  if (options.client) return options.client;
  const { S3Client } = await loadS3Sdk();
  const endpoint = options.endpoint ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
  const config: S3ClientConfig = {
    region: options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1",
    forcePathStyle: options.forcePathStyle ?? endpoint !== undefined,
  };
  if (endpoint) config.endpoint = endpoint;
  if (options.credentials) config.credentials = options.credentials;
  return new S3Client(config);
}

/**
 * Downloads an S3 object to a temporary file, streaming (a large video never sits in memory), and
 * resolves the file's path, its content type and a function that removes it.
 */
export async function downloadS3Object(
  client: S3Client,
  uri: string,
  signal?: AbortSignal,
): Promise<{ path: string; type: string | undefined; remove: () => Promise<void> }> {
  const { GetObjectCommand } = await loadS3Sdk();
  const { bucket, key } = parseS3Uri(uri);
  const folder = await mkdtemp(join(tmpdir(), "decart-queue-input-"));
  const remove = () => rm(folder, { recursive: true, force: true });
  try {
    const object = await client.send(
      new GetObjectCommand({ Bucket: bucket, Key: key }),
      signal ? { abortSignal: signal } : {},
    );
    const path = join(folder, basename(key) || "input");
    const body = object.Body as Readable | ReadableStream<Uint8Array> | undefined;
    if (!body) throw new Error(`${uri}: the object has no body`);
    const source = body instanceof Readable ? body : Readable.fromWeb(body as never);
    await pipeline(source, createWriteStream(path), signal ? { signal } : {});
    return { path, type: object.ContentType, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}
