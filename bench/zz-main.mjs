import { copyFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { createDecartClient } from "@decart/core";
import { startEmulator } from "@decart/emulator";
import { models } from "@decart/models";
import { fileFromPath } from "@decart/node";

const require = createRequire(import.meta.url);
const fixtures = join(dirname(require.resolve("@decart/emulator/package.json")), "fixtures");
const fake = {
  async render(r) {
    await new Promise((res) => setTimeout(res, 1000));
    await copyFile(join(fixtures, "sample.mp4"), r.outputPath);
    return { outputPath: r.outputPath, contentType: "video/mp4", width: r.width, height: r.height };
  },
};
const emulator = await startEmulator(process.env.REAL ? {} : { engine: fake });
const client = createDecartClient({
  apiKey: emulator.apiKey,
  baseUrl: emulator.url,
  polling: { initialDelay: 0, interval: Number(process.env.POLL ?? 20), maxInterval: 50 },
});
const video = await fileFromPath(join(fixtures, "sample.mp4"));
const image = await fileFromPath(join(fixtures, "sample.png"));
const MB = (x) => (x / 2 ** 20).toFixed(0);
console.log("start", MB(process.memoryUsage.rss()));
for (let i = 0; i < 12; i++) {
  const which = process.env.ONLY ?? ["t2v", "i2v", "v2v"][i % 3];
  const job =
    which === "t2v"
      ? { model: models.video("lucy-pro-t2v"), prompt: "A city", seed: 42 }
      : which === "i2v"
        ? { model: models.video("lucy-pro-i2v"), prompt: "wind", data: image, seed: 42 }
        : { model: models.video("lucy-pro-v2v"), prompt: "cartoon", data: video, seed: 42 };
  await (await client.process(job)).arrayBuffer();
  if (process.env.GC) gc();
  const m = process.memoryUsage();
  console.log(
    i,
    which,
    "rss",
    MB(m.rss),
    "heapTotal",
    MB(m.heapTotal),
    "ext",
    MB(m.external),
    "ab",
    MB(m.arrayBuffers),
  );
}
await emulator.close();
