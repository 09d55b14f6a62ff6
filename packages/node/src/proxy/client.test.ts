import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDecartClient, InvalidAPIKeyError } from "@decart/core";
import { type Emulator, startEmulator } from "@decart/emulator";
import { models } from "@decart/models";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileFromPath } from "../files/index";
import { createProxyHandler } from "./handler";
import { toNodeHandler } from "./node";

const secret = "client-test-secret-0123456789abcdef";
let emulator: Emulator;
let server: Server;
let proxyUrl: string;
let folder: string;

beforeAll(async () => {
  emulator = await startEmulator({ apiKey: "emulator-key" });
  const handler = toNodeHandler(
    createProxyHandler({
      apiKey: emulator.apiKey,
      baseUrl: emulator.url,
      mountPath: "/api/decart",
      allowAnonymous: true,
      secret,
    }),
  );
  server = createServer((request, response) => void handler(request, response));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  proxyUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/decart`;
  folder = mkdtempSync(join(tmpdir(), "decart-proxy-e2e-"));
});
afterAll(async () => {
  server.close();
  await emulator.close();
  rmSync(folder, { recursive: true, force: true });
});

describe("createDecartClient({ proxy }) through the Node proxy to the emulator", () => {
  it("generates an image with no key on the client side", async () => {
    const client = createDecartClient({ proxy: proxyUrl });
    const image = await client.process({
      model: models.image("lucy-pro-t2i"),
      prompt: "A lighthouse at dawn",
      seed: 7,
      resolution: "480p",
    });
    expect(image.type).toBe("image/png");
    const bytes = new Uint8Array(await image.arrayBuffer());
    expect(Array.from(bytes.subarray(0, 4))).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });

  it("uploads a file read lazily from disk, runs a video job, and surfaces server errors", async () => {
    const client = createDecartClient({ proxy: proxyUrl });
    const still = await client.process({
      model: models.image("lucy-pro-t2i"),
      prompt: "A quiet harbour",
      seed: 3,
      resolution: "480p",
    });
    const path = join(folder, "still.png");
    writeFileSync(path, new Uint8Array(await still.arrayBuffer()));
    const statuses: string[] = [];
    const video = await client.process({
      model: models.video("lucy-pro-i2v"),
      prompt: "Gentle waves",
      data: await fileFromPath(path),
      resolution: "480p",
      seed: 1,
      onProgress: (event) => statuses.push(event.status),
    });
    expect(video.type).toBe("video/mp4");
    expect(new TextDecoder().decode(new Uint8Array(await video.slice(4, 8).arrayBuffer()))).toBe("ftyp");
    expect(statuses.at(-1)).toBe("completed");
  }, 60_000);

  it("reports the upstream's 401 as InvalidAPIKeyError when the proxy holds a wrong key (fetch-style adapter)", async () => {
    const proxy = createProxyHandler({
      apiKey: "wrong",
      baseUrl: emulator.url,
      allowAnonymous: true,
      secret,
    });
    const client = createDecartClient({
      proxy: "http://app.local/api/decart",
      fetch: (input, init) => proxy(new Request(input, init)),
    });
    await expect(
      client.process({
        model: models.image("lucy-pro-t2i"),
        prompt: "A key that is wrong",
        resolution: "480p",
      }),
    ).rejects.toBeInstanceOf(InvalidAPIKeyError);
  }, 60_000);
});
