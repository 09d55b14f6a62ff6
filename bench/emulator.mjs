// Emulator benchmarks: every model end to end (startEmulator + createDecartClient over loopback) next to
// ffmpeg doing the same encode on its own, measured in the same run, plus peak memory during
// video-to-video and the throughput of 20 concurrent mixed jobs.
//
// The floors use the encoder flags of packages/emulator/src/engine/media/encoder.ts (encoderArguments and
// deterministicFlags), replicated below because @decart/emulator does not export them. Like for like: the
// t2v floor's testsrc2 hands x264 yuv420p, as the emulator's scenes do (they draw in YUV); the other
// models hand ffmpeg RGBA, which it converts.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createDecartClient } from "@decart/core";
import { startEmulator } from "@decart/emulator";
import { models } from "@decart/models";
import { fileFromPath } from "@decart/node";
import { ffmpegPath } from "./ffmpeg-path.mjs";
import { median, printRow } from "./report.mjs";
import { peakRss } from "./rss-sampler.mjs";

const require = createRequire(import.meta.url);
const fixtures = join(dirname(require.resolve("@decart/emulator/package.json")), "fixtures");
const sampleVideo = join(fixtures, "sample.mp4");
const sampleImage = join(fixtures, "sample.png");

const fps = 25;
const seconds = 5;
const width = 1280;
const height = 704;
const cartoonFilter = `fps=${fps},scale=${width}:${height}:force_original_aspect_ratio=increase,crop=${width}:${height},smartblur=lr=2:ls=-0.8:lt=-5,eq=saturation=1.4`;

/**
 * Output half of the emulator's encoder command line (from `-c:v` on), as in encoder.ts: `rgba` for the
 * floors of what the emulator encodes from RGBA frames (the styled videos), which it encodes with
 * sliced threads.
 */
const encoderOutput = (outputPath, pixelFormat = "yuv420p") => [
  "-c:v",
  "libx264",
  "-preset",
  "veryfast",
  "-pix_fmt",
  "yuv420p",
  "-color_primaries",
  "bt709",
  "-color_trc",
  "bt709",
  "-colorspace",
  "bt709",
  "-rc-lookahead",
  "5",
  "-x264-params",
  pixelFormat === "rgba" ? "sync-lookahead=0:sliced-threads=1" : "sync-lookahead=0",
  "-threads",
  "2",
  "-fflags",
  "+bitexact",
  "-flags",
  "+bitexact",
  "-map_metadata",
  "-1",
  "-movflags",
  "+faststart",
  "-r",
  String(fps),
  "-f",
  "mp4",
  outputPath,
];

/**
 * CPU time used so far by this process (all threads) and its reaped children (the ffmpeg processes, once
 * they have exited), in ms, from /proc/self/stat (utime + stime + cutime + cstime at 100 ticks/s). Unlike
 * wall time it barely moves with the load of other processes on the machine. NaN where /proc is missing.
 */
function cpuMs() {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** Runs `fn`, recording the CPU time it took in `into`. */
async function withCpu(into, fn) {
  const before = cpuMs();
  const value = await fn();
  into.push(cpuMs() - before);
  return value;
}

function runFfmpeg(args) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(ffmpegPath(), ["-hide_banner", "-loglevel", "error", "-nostdin", "-y", ...args], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0
        ? resolve(performance.now() - started)
        : reject(new Error(`ffmpeg exited with ${code}: ${stderr}`)),
    );
  });
}

const ms = (value) => `${value.toFixed(0)} ms`;

/** A row for a figure that has no goal of its own: printed like printRow, not counted in the verdict. */
function printInfo(name, figure, ratio, anchor) {
  console.log(`${name.padEnd(40)} ${figure.padEnd(48)} ${ratio.toFixed(2)}× (no goal)  [${anchor}]`);
}

/** 720p 5 s testsrc2 through the emulator's encoder flags: the floor of t2v and i2v. */
const encodeFloor = (directory) =>
  runFfmpeg([
    "-f",
    "lavfi",
    "-i",
    `testsrc2=size=${width}x${height}:rate=${fps}:duration=${seconds}`,
    ...encoderOutput(join(directory, "floor.mp4")),
  ]);

/**
 * t2v 720p alone against its floor, interleaved `runs` times: wall and CPU ratio of each run, then the
 * median and worst. `node -e 'import("./emulator.mjs").then((m) => m.runT2vBenchmark({ runs: 5 }))'`
 */
export async function runT2vBenchmark({ runs = 5 } = {}) {
  const directory = await mkdtemp(join(tmpdir(), "decart-bench-t2v-"));
  const emulator = await startEmulator({ limits: { workDir: directory } });
  const client = createDecartClient({
    apiKey: emulator.apiKey,
    baseUrl: emulator.url,
    polling: { initialDelay: 0, interval: 20, maxInterval: 50 },
  });
  const job = {
    model: models.video("lucy-pro-t2v"),
    prompt: "A city at night with neon lights by the water",
    seed: 42,
    resolution: "720p",
  };
  try {
    await Promise.all([client.process({ ...job, resolution: "480p" }), client.process(job)]);
    await encodeFloor(directory);
    const wall = [];
    const cpu = [];
    for (let run = 0; run < runs; run++) {
      const floorCpu = [];
      const floor = await withCpu(floorCpu, () => encodeFloor(directory));
      const t2vCpu = [];
      const t2v = await withCpu(t2vCpu, async () => {
        const started = performance.now();
        await (await client.process(job)).arrayBuffer();
        return performance.now() - started;
      });
      wall.push(t2v / floor);
      cpu.push(t2vCpu[0] / floorCpu[0]);
      console.log(
        `run ${run + 1}: t2v ${ms(t2v)} vs floor ${ms(floor)} = ${wall[run].toFixed(2)}×; CPU ${t2vCpu[0]} ms vs ${floorCpu[0]} ms = ${cpu[run].toFixed(2)}×`,
      );
    }
    console.log(
      `wall: median ${median(wall).toFixed(2)}×, worst ${Math.max(...wall).toFixed(2)}×; CPU: median ${median(cpu).toFixed(2)}×, worst ${Math.max(...cpu).toFixed(2)}×`,
    );
  } finally {
    await emulator.close();
    await rm(directory, { recursive: true, force: true });
  }
}

export async function runEmulatorBenchmarks({ runs = 3 } = {}) {
  const directory = await mkdtemp(join(tmpdir(), "decart-bench-emulator-"));
  const emulator = await startEmulator({ limits: { maxQueuedJobs: 32, workDir: directory } });
  // The default client waits 250 ms, then 500 ms, 1 s… between status polls; the single-job timings
  // use a tight poll so they measure the emulator, not the client's backoff.
  const client = createDecartClient({
    apiKey: emulator.apiKey,
    baseUrl: emulator.url,
    polling: { initialDelay: 0, interval: 20, maxInterval: 50 },
  });
  const throughputClient = createDecartClient({
    apiKey: emulator.apiKey,
    baseUrl: emulator.url,
    polling: { initialDelay: 0, interval: 50, maxInterval: 200 },
    // t2i goes through the sync endpoint and may wait behind every video in the queue, past the 60 s default.
    timeout: false,
  });
  try {
    const image = await fileFromPath(sampleImage);
    const video = await fileFromPath(sampleVideo);
    const time = async (options, via = client) => {
      const started = performance.now();
      const blob = await via.process(options);
      const bytes = (await blob.arrayBuffer()).byteLength;
      return { ms: performance.now() - started, bytes, type: blob.type };
    };

    const jobs = {
      t2v: {
        model: models.video("lucy-pro-t2v"),
        prompt: "A city at night with neon lights by the water",
        seed: 42,
        resolution: "720p",
      },
      i2v: {
        model: models.video("lucy-pro-i2v"),
        prompt: "Animate with gentle motion and wind",
        data: image,
        seed: 42,
        resolution: "720p",
      },
      v2v: { model: models.video("lucy-pro-v2v"), prompt: "Convert to cartoon style", data: video, seed: 42 },
      t2i: {
        model: models.image("lucy-pro-t2i"),
        prompt: "Snowy mountains at dawn",
        seed: 42,
        resolution: "720p",
      },
    };

    // Warm the engine's workers (both of them) and ffmpeg's page cache before timing anything.
    const end = await client.process({
      model: models.image("lucy-pro-t2i"),
      prompt: "A desert at sunset",
      seed: 7,
    });
    await Promise.all([time(jobs.t2i), time(jobs.t2i)]);
    await runFfmpeg([
      "-f",
      "lavfi",
      "-i",
      `testsrc2=size=320x176:rate=${fps}:duration=1`,
      ...encoderOutput(join(directory, "warm.mp4")),
    ]);

    // Interleaved so the floors and the models see the same machine load.
    const samples = { floor: [], filter: [], t2v: [], i2v: [], v2v: [], t2i: [] };
    const outputs = {};
    const rss = [];
    const cpu = { floor: [], filter: [], t2v: [], i2v: [], v2v: [] };
    for (let run = 0; run < runs; run++) {
      samples.floor.push(await withCpu(cpu.floor, () => encodeFloor(directory)));
      for (const name of ["t2v", "i2v"]) {
        const result = await withCpu(cpu[name], () => time(jobs[name]));
        samples[name].push(result.ms);
        outputs[name] = result;
      }
      samples.filter.push(
        await withCpu(cpu.filter, () =>
          runFfmpeg([
            "-i",
            sampleVideo,
            "-vf",
            cartoonFilter,
            ...encoderOutput(join(directory, "filter.mp4"), "rgba"),
          ]),
        ),
      );
      const sampler = peakRss();
      const result = await withCpu(cpu.v2v, () => time(jobs.v2v));
      rss.push(sampler.stop());
      samples.v2v.push(result.ms);
      outputs.v2v = result;
      const still = await time(jobs.t2i);
      samples.t2i.push(still.ms);
      outputs.t2i = still;
    }
    const m = Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
    const c = Object.fromEntries(Object.entries(cpu).map(([name, values]) => [name, median(values) / 1000]));
    const cpuText = (name, floor) => `; CPU ${c[name].toFixed(1)} s vs ${c[floor].toFixed(1)} s`;
    const size = (name) => `${(outputs[name].bytes / 1024).toFixed(0)} KB`;
    const floorText = `testsrc2 ${width}x${height} ${seconds}s ${fps}fps x264 ${ms(m.floor)}`;
    // The goal holds for every run: the verdict is the worst run's ratio to the floor measured beside it.
    const perRun = (name) =>
      samples[name].map((value, run) => (value / samples.floor[run]).toFixed(2)).join(" ");
    const t2vWorst = Math.max(...samples.t2v.map((value, run) => value / samples.floor[run]));
    printRow(
      "t2v 720p end to end (worst run)",
      `${ms(m.t2v)} (${size("t2v")}) vs ${floorText}`,
      t2vWorst,
      1.5,
      `median ratio ${(m.t2v / m.floor).toFixed(2)}× of ${runs} runs (${perRun("t2v")})${cpuText("t2v", "floor")}`,
    );
    const i2vWorst = Math.max(...samples.i2v.map((value, run) => value / samples.floor[run]));
    printRow(
      "i2v 720p end to end (worst run)",
      `${ms(m.i2v)} (${size("i2v")}) vs ${floorText}`,
      i2vWorst,
      1.5,
      `median ratio ${(m.i2v / m.floor).toFixed(2)}× of ${runs} runs (${perRun("i2v")})${cpuText("i2v", "floor")}`,
    );
    printRow(
      "v2v cartoon 720p end to end",
      `${ms(m.v2v)} (${size("v2v")}) vs ffmpeg smartblur chain ${ms(m.filter)}`,
      m.v2v / m.filter,
      2.5,
      `median of ${runs}; fixtures/sample.mp4${cpuText("v2v", "filter")}`,
    );
    printRow(
      "t2i 720p end to end",
      `${ms(m.t2i)} (${size("t2i")} PNG) vs 150 ms`,
      m.t2i / 150,
      1,
      `median of ${runs}`,
    );
    const worst = rss.reduce((a, b) => (a.total >= b.total ? a : b));
    printRow(
      "peak RSS during v2v (node + ffmpeg)",
      `${(worst.total / 2 ** 20).toFixed(0)} MB (node ${(worst.node / 2 ** 20).toFixed(0)} + ffmpeg ${(worst.children / 2 ** 20).toFixed(0)}; PSS ${(worst.pss / 2 ** 20).toFixed(0)} MB)`,
      worst.total / (300 * 2 ** 20),
      1,
      "goal 300 MB; RSS of the one process (emulator, client, workers) + its ffmpeg children, every 10 ms",
    );

    // The other models, once each (no goals of their own; ratio to the same testsrc2 floor, or 150 ms).
    const others = [
      ["t2v 480p", { ...jobs.t2v, resolution: "480p" }],
      [
        "dev-i2v 720p",
        { model: models.video("lucy-dev-i2v"), prompt: "Slow push in", data: image, seed: 42 },
      ],
      [
        "fast-v2v sketch",
        { model: models.video("lucy-fast-v2v"), prompt: "A pencil sketch", data: video, seed: 42 },
      ],
      [
        "flf2v 720p",
        {
          model: models.video("lucy-pro-flf2v"),
          prompt: "A smooth transition",
          start: image,
          end,
          seed: 42,
          resolution: "720p",
        },
      ],
      [
        "motion 720p",
        {
          model: models.video("lucy-motion"),
          data: image,
          trajectory: [
            { frame: 0, x: 100, y: 100 },
            { frame: 60, x: 600, y: 300 },
            { frame: 120, x: 1100, y: 500 },
          ],
          seed: 42,
        },
      ],
      [
        "i2i watercolor 720p",
        {
          model: models.image("lucy-pro-i2i"),
          prompt: "A watercolor painting",
          data: image,
          seed: 42,
          resolution: "720p",
        },
      ],
    ];
    for (const [name, options] of others) {
      const result = await time(options);
      const isImage = result.type === "image/png";
      const baseline = isImage ? 150 : name.includes("v2v") ? m.filter : m.floor;
      const against = isImage
        ? "150 ms"
        : name.includes("v2v")
          ? `smartblur chain ${ms(m.filter)}`
          : `720p testsrc2 ${ms(m.floor)}`;
      printInfo(
        `${name} end to end`,
        `${ms(result.ms)} (${(result.bytes / 1024).toFixed(0)} KB) vs ${against}`,
        result.ms / baseline,
        "one run",
      );
    }

    // 20 concurrent mixed jobs through the queue (2 renders at once, the rest waiting).
    const mix = Array.from({ length: 20 }, (_, index) => ["t2v", "i2v", "v2v", "t2i"][index % 4]);
    const sequential = mix.reduce((sum, name) => sum + m[name], 0);
    const started = performance.now();
    await Promise.all(mix.map((name) => time(jobs[name], throughputClient)));
    const wall = performance.now() - started;
    printRow(
      "20 concurrent mixed jobs",
      `${((20 / wall) * 60_000).toFixed(1)} jobs/min, ${(wall / 1000).toFixed(1)} s vs one by one ${(sequential / 1000).toFixed(1)} s`,
      wall / sequential,
      1,
      "5 each t2v/i2v/v2v/t2i; baseline = sum of the medians above",
    );
  } finally {
    await emulator.close();
    await rm(directory, { recursive: true, force: true });
  }
}
