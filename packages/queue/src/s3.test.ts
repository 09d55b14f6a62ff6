import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { fileFromPath } from "@decart/node";
import { decodeVideo, writeTestInputs } from "@decart/test-media";
import { freePort } from "@decart/test-server/redis";
// @ts-expect-error s3rver ships no types
import S3rver from "s3rver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseS3Uri } from "./s3";
import { resultStore } from "./store";
import { addFromFile, freshQueue, runQueueCli, useFleet, workerFlags } from "./test-support/index";

const fleet = useFleet();
const credentials = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
let server: { run(): Promise<unknown>; close(): Promise<void> };
let endpoint: string;
let s3: S3Client;

beforeAll(async () => {
  const port = await freePort();
  endpoint = `http://127.0.0.1:${port}`;
  server = new S3rver({
    address: "127.0.0.1",
    port,
    silent: true,
    directory: mkdtempSync(join(fleet.folder, "s3rver-")),
    configureBuckets: [{ name: "inputs" }, { name: "renders" }],
  });
  await server.run();
  s3 = new S3Client({ endpoint, region: "us-east-1", credentials, forcePathStyle: true });
});
afterAll(async () => {
  s3?.destroy();
  await server?.close();
});

async function objectBytes(uri: string): Promise<{ bytes: Buffer; type: string | undefined }> {
  const { bucket, key } = parseS3Uri(uri);
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return {
    bytes: Buffer.from(
      await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
    ),
    type: object.ContentType,
  };
}

describe("S3-compatible storage (s3rver)", () => {
  it("a worker process reads s3:// inputs and writes results to an s3:// prefix, configured by the AWS_* variables", async () => {
    const clip = join(fleet.folder, "clip.mp4");
    const still = join(fleet.folder, "still.png");
    await writeTestInputs(clip, still);
    await s3.send(
      new PutObjectCommand({
        Bucket: "inputs",
        Key: "clips/clip.mp4",
        Body: await readFile(clip),
        ContentType: "video/mp4",
      }),
    );
    await s3.send(
      new PutObjectCommand({
        Bucket: "inputs",
        Key: "stills/still.png",
        Body: await readFile(still),
        ContentType: "image/png",
      }),
    );
    const queue = freshQueue("s3");
    const input = join(fleet.folder, `${queue}.jsonl`);
    writeFileSync(
      input,
      [
        { model: "lucy-pro-v2v", prompt: "Convert to anime", data: "s3://inputs/clips/clip.mp4" },
        { model: "lucy-pro-i2v", prompt: "Wind in the trees", data: "s3://inputs/stills/still.png" },
      ]
        .map((item) => JSON.stringify(item))
        .join("\n"),
    );
    expect((await addFromFile(fleet, queue, input)).code).toBe(0);
    const env = {
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    };
    const run = await runQueueCli(
      [...workerFlags(fleet, queue, "s3://renders/anime/"), "--exit-when-drained"],
      env,
    );
    expect(run.stderr).not.toContain("failed");
    expect(run.code).toBe(0);
    const video = await objectBytes("s3://renders/anime/clip.mp4");
    expect(video.type).toBe("video/mp4");
    const local = join(fleet.folder, "from-s3.mp4");
    writeFileSync(local, video.bytes);
    expect(await decodeVideo(local)).toMatchObject({ codec: "h264", frames: 5 });
    expect((await objectBytes("s3://renders/anime/still.mp4")).type).toBe("video/mp4");
    const status = await runQueueCli(["status", "--redis", fleet.redis.url, "--queue", queue, "--json"]);
    expect(JSON.parse(status.stdout)).toMatchObject({ completed: 2, failed: 0 });
  });

  it("streams a large result as a multipart upload, byte for byte", async () => {
    const path = join(fleet.folder, "large.mp4");
    const content = Buffer.alloc(20 * 1024 * 1024);
    for (let index = 0; index < content.length; index += 4096) content.writeUInt32BE(index, index);
    writeFileSync(path, content);
    const client = new S3Client({ endpoint, region: "us-east-1", credentials, forcePathStyle: true });
    const commands: string[] = [];
    client.middlewareStack.add(
      (next, context) => (args) => {
        commands.push(String(context.commandName));
        return next(args);
      },
      { step: "initialize" },
    );
    const store = resultStore("s3://renders/large", "{key}.{ext}", { client });
    const saved = await store.save(await fileFromPath(path), { name: "large", key: "big-one", ext: "mp4" });
    expect(saved).toEqual({ location: "s3://renders/large/big-one.mp4", bytes: content.length });
    const head = await s3.send(new HeadObjectCommand({ Bucket: "renders", Key: "large/big-one.mp4" }));
    expect(head.ContentLength).toBe(content.length);
    // 20 MiB in parts of 8 MiB: three parts, never the whole body in one request.
    expect(commands.filter((name) => name === "UploadPartCommand")).toHaveLength(3);
    expect(commands).toContain("CompleteMultipartUploadCommand");
    expect(commands).not.toContain("PutObjectCommand");
    client.destroy();
    const stored = await objectBytes(saved.location);
    expect(createHash("sha256").update(stored.bytes).digest("hex")).toBe(
      createHash("sha256").update(content).digest("hex"),
    );
  });

  it("a missing input object fails the item with the storage's error, not the worker", async () => {
    const queue = freshQueue("s3-missing");
    const input = join(fleet.folder, `${queue}.jsonl`);
    writeFileSync(
      input,
      `${JSON.stringify({ model: "lucy-pro-v2v", prompt: "gone", data: "s3://inputs/nope.mp4" })}\n`,
    );
    await addFromFile(fleet, queue, input);
    const env = {
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_ACCESS_KEY_ID: "S3RVER",
      AWS_SECRET_ACCESS_KEY: "S3RVER",
    };
    const run = await runQueueCli(
      [...workerFlags(fleet, queue, join(fleet.folder, queue)), "--exit-when-drained"],
      env,
    );
    expect(run.code).not.toBe(0);
    const status = JSON.parse(
      (await runQueueCli(["status", "--redis", fleet.redis.url, "--queue", queue, "--json"])).stdout,
    );
    expect(status.failed).toBe(1);
    expect(status.failures[0].message).toMatch(/NoSuchKey|does not exist/);
    expect(status.failures[0].attempts).toBe(1);
  });
});
