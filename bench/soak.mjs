// Soak: many mixed jobs through one emulator, 16 at a time, with the process's memory sampled throughout.
// Most jobs use a fast engine (a few bytes written at once) for volume; every 20th is a real render by the
// procedural engine (PNGs, 480p MP4s, a styled video from fixtures/sample.mp4). Reports jobs lost (any
// call that did not return its result) and RSS at the start, the peak and the end, beside the 70 → 353 MiB
// the emulator showed over 1,500 jobs before its memory fixes.
//
//   node soak.mjs [jobs=1000] [concurrency=16]       (or: pnpm --filter @decart/bench run soak)
import { writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { createDecartClient } from "@decart/core";
import { createProceduralEngine, startEmulator } from "@decart/emulator";
import { models } from "@decart/models";
import { fileFromPath } from "@decart/node";
import { median } from "./report.mjs";

const require = createRequire(import.meta.url);
const fixtures = join(dirname(require.resolve("@decart/emulator/package.json")), "fixtures");
const total = Number(process.argv[2] ?? 1000);
const concurrency = Number(process.argv[3] ?? 16);
const realEvery = Number(process.env.SOAK_REAL_EVERY ?? 20);
const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/** Real renders for prompts that ask for one, a few bytes at once for the rest. */
function mixedEngine() {
  const real = createProceduralEngine({ workers: 2 });
  return {
    render(request) {
      if (request.prompt.startsWith("[real]")) return real.render(request);
      return writeFile(request.outputPath, `${request.model}|${request.seed}`).then(() => ({
        outputPath: request.outputPath,
        contentType: request.kind === "video" ? "video/mp4" : "image/png",
        width: request.width,
        height: request.height,
      }));
    },
    close: () => real.close(),
  };
}

function jobOptions(index, image, video) {
  const real = index % realEvery === 0 ? "[real] " : "";
  switch (index % 5) {
    case 0:
      return { model: models.image("lucy-pro-t2i"), prompt: `${real}A harbour at dusk`, seed: index };
    case 1:
      return {
        model: models.video("lucy-pro-t2v"),
        prompt: `${real}Snow over a city`,
        seed: index,
        resolution: "480p",
      };
    case 2:
      return { model: models.image("lucy-pro-i2i"), prompt: `${real}A watercolor`, data: image, seed: index };
    case 3:
      return { model: models.video("lucy-pro-i2v"), prompt: `${real}Gentle wind`, data: image, seed: index };
    default:
      return {
        model: models.video("lucy-fast-v2v"),
        prompt: `${real}A pencil sketch`,
        data: video,
        seed: index,
      };
  }
}

/** Samples this process's RSS (emulator, client and workers: one process) every `everyMs`. */
function sampleRss(everyMs = 100) {
  const samples = [];
  const timer = setInterval(() => samples.push(process.memoryUsage.rss()), everyMs);
  return {
    samples,
    stop() {
      clearInterval(timer);
      samples.push(process.memoryUsage.rss());
      return samples;
    },
  };
}

export async function runSoak({ jobs = total, parallel = concurrency } = {}) {
  const engine = mixedEngine();
  const emulator = await startEmulator({ engine, limits: { maxQueuedJobs: parallel * 2 } });
  const client = createDecartClient({
    apiKey: emulator.apiKey,
    baseUrl: emulator.url,
    polling: { initialDelay: 0, interval: 20, maxInterval: 100 },
    timeout: false,
  });
  const image = await fileFromPath(join(fixtures, "sample.png"));
  const video = await fileFromPath(join(fixtures, "sample.mp4"));
  const start = process.memoryUsage.rss();
  const sampler = sampleRss();
  const started = performance.now();
  let next = 0;
  let done = 0;
  const lost = [];
  const worker = async () => {
    while (next < jobs) {
      const index = next++;
      try {
        const blob = await client.process(jobOptions(index, image, video));
        if (blob.size === 0) throw new Error("empty result");
      } catch (error) {
        lost.push(`${index}: ${error?.message ?? error}`);
      }
      done++;
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  const seconds = (performance.now() - started) / 1000;
  await new Promise((resolve) => setTimeout(resolve, 500));
  const samples = sampler.stop();
  globalThis.gc?.();
  const usage = process.memoryUsage();
  const heap = `heap ${mib(usage.heapUsed)} of ${mib(usage.heapTotal)}, external ${mib(usage.external)} (array buffers ${mib(usage.arrayBuffers)})`;
  await emulator.close();
  await engine.close();
  const peak = Math.max(...samples);
  const tail = samples.slice(Math.floor(samples.length * 0.8));
  console.log(
    `soak: ${done} jobs (${jobs / realEvery} real renders), ${parallel} concurrent, ${seconds.toFixed(0)} s, ${lost.length} lost`,
  );
  console.log(
    `RSS start ${mib(start)}, peak ${mib(peak)}, end ${mib(samples.at(-1))}, plateau (median of the last fifth) ${mib(median(tail))}  [before the fixes: 70 → 353 MiB over 1,500 jobs]`,
  );
  console.log(`main thread after the jobs${globalThis.gc ? " and a GC" : ""}: ${heap}`);
  for (const line of lost.slice(0, 10)) console.log(`  lost ${line}`);
  return { lost: lost.length, start, peak, end: samples.at(-1) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { lost } = await runSoak();
  process.exitCode = lost === 0 ? 0 : 1;
}
