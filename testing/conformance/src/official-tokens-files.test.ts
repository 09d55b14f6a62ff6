import { models } from "@decart/models";
import { describe, expect, it } from "vitest";
import { useSampleMedia } from "./fixtures";
import { decodeImage, decodeVideo } from "./media";
import { sampleCall } from "./model-inputs";
import { connectCurrent, type OfficialModel, sdk0120 } from "./official-clients";
import { targets, useTarget } from "./targets";

const bytes = async (blob: Blob) => new Uint8Array(await blob.arrayBuffer());

/** What an official client threw: its errors are plain objects with a code and a message. */
async function failureOf(
  promise: Promise<unknown>,
): Promise<{ code?: string; message: string; data?: unknown }> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error as { code?: string; message: string; data?: unknown },
  );
  if (!outcome) throw new Error("the call succeeded; it should have failed");
  return outcome;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** 0.1.20's models of each kind that this suite drives: the first image model and the first video model. */
function pick(list: readonly OfficialModel[], index: number): OfficialModel {
  const model = list[index];
  if (!model) throw new Error("@decartai/sdk 0.1.20 lists fewer models than this suite uses");
  return model;
}
const imageModel = pick(sdk0120.imageModels, 0);
const otherImageModel = pick(sdk0120.imageModels, 1);
const videoModel = pick(sdk0120.videoModels, 0);

const allOptions = {
  metadata: { role: "viewer", session: "conformance" },
  expiresIn: 600,
  allowedModels: [imageModel.name, videoModel.name],
  allowedOrigins: ["https://example.com"],
  constraints: { realtime: { maxSessionDuration: 120 } },
};

for (const target of targets.filter((candidate) => !candidate.live)) {
  describe(`@decartai/sdk 0.1.20 tokens and files against the ${target.name}`, { concurrent: true }, () => {
    const server = useTarget(target);
    const media = useSampleMedia();
    const sample = (official: OfficialModel) => sampleCall(models.get(official.name), media);

    it("tokens.create with every option answers an ek_ key, a JWT, the expiry and the permissions", async () => {
      const before = Date.now();
      const token = await connectCurrent(server.url, server.apiKey).tokens.create(allOptions);
      expect(token.apiKey).toMatch(/^ek_/);
      expect(token.token?.split(".")).toHaveLength(3);
      expect(Date.parse(token.expiresAt)).toBeGreaterThanOrEqual(before + 600_000);
      expect(token.permissions).toEqual({
        models: allOptions.allowedModels,
        origins: allOptions.allowedOrigins,
      });
      expect(token.constraints).toEqual(allOptions.constraints);
      const plain = await connectCurrent(server.url, server.apiKey).tokens.create();
      expect(plain.apiKey).toMatch(/^ek_/);
      expect(plain.permissions ?? null).toBeNull();
    });

    it(`process() with the ek_ key: ${imageModel.name} returns a PNG of its geometry`, async () => {
      const { apiKey } = await connectCurrent(server.url, server.apiKey).tokens.create(allOptions);
      const call = sample(imageModel);
      const image = await sdk0120.connect(server.url, apiKey).process({ model: imageModel, ...call.inputs });
      expect(await decodeImage(await bytes(image))).toEqual({ format: "png", ...call.geometry });
    });

    it(`queue.submitAndPoll with the ek_ key: ${videoModel.name} completes with an H.264 MP4`, async () => {
      const { apiKey } = await connectCurrent(server.url, server.apiKey).tokens.create(allOptions);
      const call = sample(videoModel);
      const result = await sdk0120
        .connect(server.url, apiKey)
        .queue.submitAndPoll({ model: videoModel, ...call.inputs });
      expect(result.status).toBe("completed");
      if (result.status !== "completed") return;
      const video = await decodeVideo(await bytes(result.data));
      expect(video).toMatchObject({ codec: "h264", ...call.geometry, frames: call.frames });
    });

    it("process() with an expired ek_ key rejects with the server's 401 detail", async () => {
      const token = await connectCurrent(server.url, server.apiKey).tokens.create({ expiresIn: 1 });
      await sleep(Math.max(0, Date.parse(token.expiresAt) - Date.now()) + 100);
      const error = await failureOf(
        sdk0120
          .connect(server.url, token.apiKey)
          .process({ model: imageModel, ...sample(imageModel).inputs }),
      );
      expect(error.message).toMatch(/^Processing failed: 401 - .*expired/);
    });

    it(`process() with a model outside allowedModels (${otherImageModel.name}) rejects with 403`, async () => {
      const { apiKey } = await connectCurrent(server.url, server.apiKey).tokens.create(allOptions);
      const error = await failureOf(
        sdk0120
          .connect(server.url, apiKey)
          .process({ model: otherImageModel, ...sample(otherImageModel).inputs }),
      );
      expect(error.message).toMatch(new RegExp(`^Processing failed: 403 - .*${otherImageModel.name}`));
    });

    it("tokens.create with an ek_ key rejects: only the permanent key mints", async () => {
      const { apiKey } = await connectCurrent(server.url, server.apiKey).tokens.create();
      const error = await failureOf(connectCurrent(server.url, apiKey).tokens.create());
      expect(error.code).toBe("TOKEN_CREATE_ERROR");
      expect(error.message).toMatch(/^Failed to create token: 403 - /);
      expect(error.message).toContain('"detail"');
    });

    it("tokens.create with an expiresIn out of range rejects with the server's 422 naming the field", async () => {
      const error = await failureOf(
        connectCurrent(server.url, server.apiKey).tokens.create({ expiresIn: 7200 }),
      );
      expect(error.message).toMatch(/^Failed to create token: 422 - /);
      expect(error.message).toContain('"loc":["body","expiresIn"]');
    });

    it("files.upload with ttlSeconds, get, delete; then get rejects with 404", async () => {
      const files = connectCurrent(server.url, server.apiKey).files;
      const blob = new Blob([media.image as BlobPart], { type: "image/png" });
      const reference = await files.upload(blob, { ttlSeconds: 3600 });
      expect(reference).toEqual({
        id: expect.stringMatching(/^file_/),
        filename: "blob",
        mime_type: "image/png",
        size_bytes: media.image.length,
        created_at: expect.any(String),
        expires_at: expect.any(String),
      });
      expect(Date.parse(reference.expires_at ?? "") - Date.parse(reference.created_at)).toBe(3_600_000);
      expect(await files.get(reference.id)).toEqual(reference);
      await files.delete(reference.id);
      const error = await failureOf(files.get(reference.id));
      expect(error.code).toBe("FILES_GET_ERROR");
      expect(error.message).toMatch(/^Failed to get file: 404 - /);
      const again = await failureOf(files.delete(reference.id));
      expect(again.code).toBe("FILES_DELETE_ERROR");
    });

    it('files.upload with ttlSeconds "persistent": expires_at is null; an ek_ key works too', async () => {
      const { apiKey } = await connectCurrent(server.url, server.apiKey).tokens.create({ expiresIn: 300 });
      const files = connectCurrent(server.url, apiKey).files;
      const reference = await files.upload(new Blob([media.video as BlobPart], { type: "video/mp4" }), {
        ttlSeconds: "persistent",
      });
      expect(reference).toMatchObject({
        mime_type: "video/mp4",
        size_bytes: media.video.length,
        expires_at: null,
      });
      expect(await files.get(reference.id)).toEqual(reference);
      // Without ttlSeconds the server's default is 24 hours.
      const standard = await files.upload(new Blob(["notes"], { type: "text/plain" }));
      expect(Date.parse(standard.expires_at ?? "") - Date.parse(standard.created_at)).toBe(86_400_000);
      await files.delete(reference.id);
      await files.delete(standard.id);
    });
  });
}
