import { createReadStream, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { pathToFileURL } from "node:url";
import { InvalidInputError } from "@decart/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileFromBuffer } from "./file-from-buffer";
import { fileFromPath } from "./file-from-path";
import { fileFromReadable } from "./file-from-readable";
import { fileFromUrl } from "./file-from-url";

const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]);
let folder: string;
beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), "decart-files-"));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe("fileFromPath", () => {
  it("returns a named File with the type from the extension and the file's bytes", async () => {
    const path = join(folder, "clip.mp4");
    writeFileSync(path, "not really a video");
    const file = await fileFromPath(path);
    expect(file).toBeInstanceOf(File);
    expect(file.name).toBe("clip.mp4");
    expect(file.type).toBe("video/mp4");
    expect(await file.text()).toBe("not really a video");
    expect((await fileFromPath(path, { type: "video/webm" })).type).toBe("video/webm");
  });

  it("sniffs the type from the first bytes when the extension says nothing", async () => {
    const path = join(folder, "upload");
    writeFileSync(path, png);
    expect((await fileFromPath(path)).type).toBe("image/png");
    const mp4 = join(folder, "capture.dat");
    writeFileSync(mp4, Buffer.from([0, 0, 0, 0x18, ...Buffer.from("ftypisom"), 0, 0, 0, 0]));
    expect((await fileFromPath(mp4)).type).toBe("video/mp4");
  });

  it("names the path when it is missing or a directory", async () => {
    const missing = join(folder, "nope.jpg");
    await expect(fileFromPath(missing)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(fileFromPath(missing)).rejects.toThrow(`Cannot read ${missing}: no such file`);
    await expect(fileFromPath(folder)).rejects.toThrow(
      `Cannot read ${folder}: it is a directory, not a file`,
    );
  });

  it("does not read the file: a 3.5 GiB sparse file opens instantly and without memory growth", async () => {
    const size = 3.5 * 1024 ** 3;
    const path = await sparseFile("large.mp4", size);
    const before = process.memoryUsage().rss;
    const started = performance.now();
    const file = await fileFromPath(path);
    expect(performance.now() - started).toBeLessThan(500);
    expect(file.size).toBe(size);
    expect(await file.slice(size - 4).text()).toBe("tail");
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 ** 2);
    rmSync(path);
  });

  it("serves a file of 4 GiB or more whole, or refuses it by name where the runtime cannot (never truncated)", async () => {
    const size = 8 * 1024 ** 3;
    const path = await sparseFile("huge.mp4", size);
    const outcome = await fileFromPath(path).catch((error: unknown) => error);
    if (outcome instanceof File) {
      expect(outcome.size).toBe(size);
    } else {
      expect(outcome).toBeInstanceOf(InvalidInputError);
      expect((outcome as Error).message).toContain(`Cannot read ${path}: it is ${size} bytes`);
    }
    rmSync(path);
  });
});

async function sparseFile(name: string, size: number): Promise<string> {
  const path = join(folder, name);
  const handle = await open(path, "w");
  await handle.truncate(size);
  await handle.write(Buffer.from("tail"), 0, 4, size - 4);
  await handle.close();
  return path;
}

describe("fileFromBuffer", () => {
  it("types bytes from the name, then from the content", () => {
    expect(fileFromBuffer(Buffer.from("x"), "a.jpg").type).toBe("image/jpeg");
    expect(fileFromBuffer(png, "noext").type).toBe("image/png");
    expect(fileFromBuffer(png.buffer, "noext", { type: "image/x-custom" }).type).toBe("image/x-custom");
  });
});

describe("fileFromReadable", () => {
  it("turns an untouched file stream into a lazily read file on the same path", async () => {
    const path = join(folder, "stream.png");
    writeFileSync(path, png);
    const file = await fileFromReadable(createReadStream(path), "renamed.png");
    expect(file.name).toBe("renamed.png");
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(png);
  });

  it("spools any other stream to disk, sniffing the type", async () => {
    const stream = new PassThrough();
    const parts = [png, new Uint8Array(200_000).fill(1)];
    setImmediate(() => {
      for (const part of parts) stream.write(part);
      stream.end();
    });
    const file = await fileFromReadable(stream, "piped");
    expect(file.type).toBe("image/png");
    expect(file.size).toBe(png.byteLength + 200_000);
    expect(new Uint8Array(await file.slice(0, png.byteLength).arrayBuffer())).toEqual(png);
  });

  it("rejects with the signal's reason when aborted", async () => {
    const stream = new PassThrough();
    const controller = new AbortController();
    const pending = fileFromReadable(stream, "never", { signal: controller.signal });
    controller.abort(new Error("stop"));
    await expect(pending).rejects.toThrow("stop");
  });
});

describe("fileFromUrl", () => {
  const server = createServer((request, response) => {
    if (request.url === "/media/photo.png") {
      response.writeHead(200, { "content-type": "image/png" });
      response.end(Buffer.from(png));
    } else if (request.url === "/download?id=1") {
      response.writeHead(200, { "content-disposition": 'attachment; filename="clip.mp4"' });
      response.end("video");
    } else {
      response.writeHead(404);
      response.end();
    }
  });
  let base: string;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => server.close());

  it("downloads with the name and type the server gives", async () => {
    const photo = await fileFromUrl(`${base}/media/photo.png`);
    expect([photo.name, photo.type, photo.size]).toEqual(["photo.png", "image/png", png.byteLength]);
    const clip = await fileFromUrl(new URL(`${base}/download?id=1`));
    expect([clip.name, clip.type, await clip.text()]).toEqual(["clip.mp4", "video/mp4", "video"]);
  });

  it("names the URL and status when the download fails, and opens file: URLs", async () => {
    await expect(fileFromUrl(`${base}/missing.png`)).rejects.toThrow(
      `Cannot download ${base}/missing.png: HTTP 404`,
    );
    const path = join(folder, "local.png");
    writeFileSync(path, png);
    expect((await fileFromUrl(pathToFileURL(path))).name).toBe("local.png");
  });
});
