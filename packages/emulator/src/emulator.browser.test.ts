import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createDecartClient } from "@decart/core";
import { models } from "@decart/models";
import { launchChromium } from "@decart/test-server/chromium";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "./emulator";

// setup.sh installs Debian's chromium unless DECART_SKIP_BROWSER=1; this check follows the same switch.
const skipBrowser = process.env.DECART_SKIP_BROWSER === "1";

/** Serves one page and one video, with Range support as a media server would. */
function serve(video: Uint8Array): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    if (request.url === "/") {
      response.writeHead(200, { "content-type": "text/html" });
      response.end('<!doctype html><video id="v" src="/video.mp4" muted playsinline preload="auto"></video>');
      return;
    }
    if (request.url !== "/video.mp4") {
      response.writeHead(404).end();
      return;
    }
    const range = /bytes=(\d*)-(\d*)/.exec(request.headers.range ?? "");
    if (range) {
      const start = range[1] ? Number(range[1]) : 0;
      const end = range[2] ? Math.min(Number(range[2]), video.length - 1) : video.length - 1;
      response.writeHead(206, {
        "content-type": "video/mp4",
        "accept-ranges": "bytes",
        "content-range": `bytes ${start}-${end}/${video.length}`,
        "content-length": end - start + 1,
      });
      response.end(video.subarray(start, end + 1));
      return;
    }
    response.writeHead(200, {
      "content-type": "video/mp4",
      "accept-ranges": "bytes",
      "content-length": video.length,
    });
    response.end(video);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server }),
    ),
  );
}

describe.skipIf(skipBrowser)("a generated MP4 in Chromium", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(async () => {
    await emulator.close();
  });

  it("plays: readyState 4 and the model's width", async () => {
    const client = createDecartClient({ apiKey: emulator.apiKey, baseUrl: emulator.url });
    const video = await client.process({
      model: models.video("lucy-pro-t2v"),
      prompt: "A serene lake at sunset with mountains in the background",
      seed: 42,
      resolution: "480p",
    });
    const { url, server } = await serve(new Uint8Array(await video.arrayBuffer()));
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(url);
      const state = await page.evaluate(
        () =>
          new Promise<{
            readyState: number;
            width: number;
            height: number;
            duration: number;
            error: string | null;
          }>((resolve) => {
            const element = document.getElementById("v") as HTMLVideoElement;
            const report = () =>
              resolve({
                readyState: element.readyState,
                width: element.videoWidth,
                height: element.videoHeight,
                duration: element.duration,
                error: element.error ? `${element.error.code} ${element.error.message}` : null,
              });
            const check = () => (element.readyState >= 4 || element.error ? report() : undefined);
            element.addEventListener("canplaythrough", check);
            element.addEventListener("error", report);
            setInterval(check, 50);
            setTimeout(report, 15_000);
            void element.play().catch(() => undefined);
          }),
      );
      expect(state.error).toBeNull();
      expect(state).toMatchObject({ readyState: 4, width: 832, height: 480 });
      expect(state.duration).toBeCloseTo(5, 1);
    } finally {
      await browser.close();
      server.close();
    }
  }, 60_000);
});
