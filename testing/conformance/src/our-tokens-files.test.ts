import { createDecartClient, InvalidAPIKeyError, PermissionDeniedError } from "@decart/core";
import { models } from "@decart/models";
import { describe, expect, it } from "vitest";
import { decodeImage } from "./media";
import { targets, useTarget } from "./targets";

const image = models.image("lucy-pro-t2i");
const other = models.image("lucy-pro-i2i");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const target of targets.filter((candidate) => !candidate.live)) {
  describe(`this SDK's tokens and files against the ${target.name}`, { concurrent: true }, () => {
    const server = useTarget(target);
    const owner = () => createDecartClient({ apiKey: server.apiKey, baseUrl: server.url });
    const holding = (apiKey: string) => createDecartClient({ apiKey, baseUrl: server.url });

    it("tokens.create with every option, then process() with the ek_ key", async () => {
      const token = await owner().tokens.create({
        metadata: { role: "viewer" },
        expiresIn: 600,
        allowedModels: [image.name],
        allowedOrigins: ["https://example.com"],
        constraints: { realtime: { maxSessionDuration: 120 } },
      });
      expect(token.apiKey).toMatch(/^ek_/);
      expect(token.permissions).toEqual({ models: [image.name], origins: ["https://example.com"] });
      const png = await holding(token.apiKey).process({
        model: image,
        prompt: "A lighthouse",
        resolution: "480p",
      });
      expect((await decodeImage(new Uint8Array(await png.arrayBuffer()))).format).toBe("png");
    });

    it("refuses an expired token (401) and a model outside allowedModels (403) with typed errors", async () => {
      const scoped = await owner().tokens.create({ allowedModels: [image.name] });
      const outside = await holding(scoped.apiKey)
        .process({ model: other, prompt: "x", data: new Blob([new Uint8Array(8)], { type: "image/png" }) })
        .catch((error: unknown) => error);
      expect(outside).toBeInstanceOf(PermissionDeniedError);
      const short = await owner().tokens.create({ expiresIn: 1 });
      await sleep(1_300);
      const expired = await holding(short.apiKey)
        .process({ model: image, prompt: "x" })
        .catch((error: unknown) => error);
      expect(expired).toBeInstanceOf(InvalidAPIKeyError);
    });

    it("files.upload, get and delete, with a ttl and persistent", async () => {
      const client = owner();
      const file = new Blob([new Uint8Array([1, 2, 3, 4])], { type: "image/png" });
      const timed = await client.files.upload(file, { ttlSeconds: 120 });
      expect(timed).toMatchObject({ mime_type: "image/png", size_bytes: 4 });
      expect(timed.expires_at).not.toBeNull();
      const kept = await client.files.upload(file, { ttlSeconds: "persistent" });
      expect(kept.expires_at).toBeNull();
      expect(await client.files.get(timed.id)).toEqual(timed);
      await client.files.delete(timed.id);
      await expect(client.files.get(timed.id)).rejects.toMatchObject({ status: 404 });
      await client.files.delete(kept.id);
    });
  });
}
