// RSS of this process (emulator, client and the engine's two workers) over real renders of five kinds in
// pairs (t2i, 480p t2v, i2i, i2v, fast v2v, alternating resolutions), with no fast engine: where the
// emulator's memory goes when every job renders. Before the scratch-buffer fixes it reached 353 MiB over 30.
//
//   node render-memory.mjs [renders=30]       (or: pnpm --filter @decart/bench run render-memory)
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { createDecartClient } from "@decart/core";
import { startEmulator } from "@decart/emulator";
import { models } from "@decart/models";
import { fileFromPath } from "@decart/node";

const require = createRequire(import.meta.url);
const fixtures = join(dirname(require.resolve("@decart/emulator/package.json")), "fixtures");
const emulator = await startEmulator();
const client = createDecartClient({
  apiKey: emulator.apiKey,
  baseUrl: emulator.url,
  polling: { initialDelay: 0, interval: 20, maxInterval: 50 },
  timeout: false,
});
const image = await fileFromPath(join(fixtures, "sample.png"));
const video = await fileFromPath(join(fixtures, "sample.mp4"));
const jobs = [
  () => ({ model: models.image("lucy-pro-t2i"), prompt: "A harbour", seed: 1 }),
  () => ({ model: models.video("lucy-pro-t2v"), prompt: "Snow", seed: 2, resolution: "480p" }),
  () => ({ model: models.image("lucy-pro-i2i"), prompt: "A watercolor", data: image, seed: 3 }),
  () => ({ model: models.video("lucy-pro-i2v"), prompt: "Wind", data: image, seed: 4 }),
  () => ({ model: models.video("lucy-fast-v2v"), prompt: "A pencil sketch", data: video, seed: 5 }),
];
const n = Number(process.argv[2] ?? 20);
let peak = 0;
const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
const start = process.memoryUsage.rss();
const started = Date.now();
for (let round = 0; round < n; round += 2) {
  await Promise.all([0, 1].map((k) => client.process(jobs[(round + k) % jobs.length]())));
  if (round % 10 === 8)
    console.log(`after ${round + 2}: rss ${(process.memoryUsage.rss() / 2 ** 20).toFixed(0)} MiB`);
}
clearInterval(timer);
console.log(
  `renders ${n}: start ${(start / 2 ** 20).toFixed(0)} peak ${(peak / 2 ** 20).toFixed(0)} end ${(process.memoryUsage.rss() / 2 ** 20).toFixed(0)} MiB in ${((Date.now() - started) / 1000).toFixed(0)} s`,
);
await emulator.close();
