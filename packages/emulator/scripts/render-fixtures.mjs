// Regenerates fixtures/sample.png and fixtures/sample.mp4 with the emulator's own procedural engine.
// Usage (from packages/emulator): node scripts/render-fixtures.mjs
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cache = join(root, "node_modules", ".cache", "decart-emulator");
mkdirSync(cache, { recursive: true });
const bundle = join(cache, "render-fixtures.mjs");
await esbuild.build({
  entryPoints: [join(root, "src", "engine", "render.ts")],
  bundle: true,
  platform: "node",
  format: "esm",
  packages: "external",
  outfile: bundle,
  logLevel: "warning",
});
const { renderJob } = await import(bundle);

const common = { fps: 25, seed: 20240501, inputs: {} };
const jobs = [
  {
    ...common,
    model: "lucy-pro-t2i",
    kind: "image",
    task: "text-to-image",
    width: 1280,
    height: 704,
    maxDurationSeconds: 5,
    prompt: "snowy mountains above a calm lake at sunset with a pine forest",
    outputPath: join(root, "fixtures", "sample.png"),
  },
  {
    ...common,
    model: "lucy-pro-t2v",
    kind: "video",
    task: "text-to-video",
    width: 832,
    height: 480,
    maxDurationSeconds: 2,
    prompt: "a city by the water at sunset with mountains and clouds",
    outputPath: join(root, "fixtures", "sample.mp4"),
  },
];
for (const job of jobs) {
  const result = await renderJob(job, { temporaryPath: `${job.outputPath}.partial`, isAborted: () => false });
  console.log(
    `${result.outputPath} (${result.width}x${result.height}${result.frames ? `, ${result.frames} frames` : ""})`,
  );
}
