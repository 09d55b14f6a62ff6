// Times the procedural engine against ffmpeg's own encode of the same size, rate, length and settings.
// Usage (from packages/emulator): node scripts/bench-engine.mjs
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cache = join(root, "node_modules", ".cache", "decart-emulator", "bench");
mkdirSync(cache, { recursive: true });
// Laid out like the build: the engine bundle with engine-worker.js beside it.
const bundle = join(cache, "engine.mjs");
await esbuild.build({
  stdin: {
    contents: `export * from "./index.ts"; export { encoderArguments } from "./media/encoder.ts";`,
    resolveDir: join(root, "src", "engine"),
    loader: "ts",
  },
  bundle: true,
  platform: "node",
  format: "esm",
  packages: "external",
  outfile: bundle,
  logLevel: "warning",
});
await esbuild.build({
  entryPoints: [join(root, "src", "engine", "worker.ts")],
  bundle: true,
  platform: "node",
  format: "esm",
  packages: "external",
  outfile: join(cache, "engine-worker.js"),
  logLevel: "warning",
});
const engineModule = await import(bundle);
const ffmpeg = createRequire(import.meta.url)("@ffmpeg-installer/ffmpeg").path;
const directory = mkdtempSync(join(tmpdir(), "decart-bench-"));
const sample = join(root, "fixtures", "sample.mp4");

const time = (fn) => {
  const start = performance.now();
  fn();
  return performance.now() - start;
};
const floor = (width, height, seconds) =>
  time(() =>
    execFileSync(ffmpeg, [
      "-v",
      "error",
      "-f",
      "lavfi",
      "-i",
      `testsrc2=size=${width}x${height}:rate=25:duration=${seconds}`,
      ...engineModule
        .encoderArguments({ width, height, fps: 25, outputPath: join(directory, "floor.mp4") })
        .slice(engineModule.encoderArguments({ width, height, fps: 25, outputPath: "-" }).indexOf("-c:v")),
    ]),
  );
const filterFloor = () =>
  time(() =>
    execFileSync(ffmpeg, [
      "-v",
      "error",
      "-i",
      sample,
      "-vf",
      "fps=25,scale=1280:704:force_original_aspect_ratio=increase,crop=1280:704,smartblur=lr=2:ls=-0.8:lt=-5,eq=saturation=1.4",
      ...engineModule
        .encoderArguments({ width: 1280, height: 704, fps: 25, outputPath: join(directory, "filter.mp4") })
        .slice(
          engineModule
            .encoderArguments({ width: 1280, height: 704, fps: 25, outputPath: "-" })
            .indexOf("-c:v"),
        ),
    ]),
  );

const engine = engineModule.createProceduralEngine({ workers: 2 });
let peak = 0;
const sampler = setInterval(() => {
  // Main process plus ffmpeg children would need /proc; report this process (workers included).
  peak = Math.max(peak, process.memoryUsage.rss());
}, 20);
const base = { fps: 25, maxDurationSeconds: 5, seed: 42, inputs: {}, signal: new AbortController().signal };
const run = async (label, request) => {
  const start = performance.now();
  await engine.render({
    ...base,
    ...request,
    outputPath: join(directory, `${label}.${request.kind === "image" ? "png" : "mp4"}`),
  });
  return performance.now() - start;
};
// Warm the workers.
await run("warm", {
  model: "lucy-pro-t2i",
  kind: "image",
  task: "text-to-image",
  width: 1280,
  height: 704,
  prompt: "warm up",
});
const results = [];
const f720 = floor(1280, 704, 5);
results.push([
  "t2v 720p",
  await run("t2v", {
    model: "lucy-pro-t2v",
    kind: "video",
    task: "text-to-video",
    width: 1280,
    height: 704,
    prompt: "a city at night with neon lights by the water",
  }),
  f720,
]);
results.push([
  "i2v 720p",
  await run("i2v", {
    model: "lucy-pro-i2v",
    kind: "video",
    task: "image-to-video",
    width: 1280,
    height: 704,
    prompt: "",
    inputs: { data: join(root, "fixtures", "sample.png") },
  }),
  f720,
]);
results.push([
  "t2i 720p",
  await run("t2i", {
    model: "lucy-pro-t2i",
    kind: "image",
    task: "text-to-image",
    width: 1280,
    height: 704,
    prompt: "snowy mountains at dawn",
  }),
  150,
]);
peak = 0;
results.push([
  "v2v cartoon 720p (2 s input)",
  await run("v2v", {
    model: "lucy-pro-v2v",
    kind: "video",
    task: "video-to-video",
    width: 1280,
    height: 704,
    prompt: "anime",
    inputs: { data: sample },
  }),
  filterFloor(),
]);
clearInterval(sampler);
for (const [label, ms, reference] of results)
  console.log(
    `${label.padEnd(30)} ${ms.toFixed(0).padStart(6)} ms   reference ${reference.toFixed(0).padStart(6)} ms   ratio ${(ms / reference).toFixed(2)}`,
  );
console.log(`peak RSS of the engine process during v2v: ${(peak / 1048576).toFixed(0)} MB`);
await engine.close();
rmSync(directory, { recursive: true, force: true });
