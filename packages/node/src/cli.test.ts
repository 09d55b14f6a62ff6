import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createDecartClient } from "@decart/core";
import { type Emulator, startEmulator } from "@decart/emulator";
import { models } from "@decart/models";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleForNode } from "../test/bundle";
import { type DecodedPng, decodePng, decodeVideo, writeTestInputs } from "../test/media";

const execFileAsync = promisify(execFile);
let cli: string;
let cliWithoutEmulator: string;
let folder: string;
let emulator: Emulator;

beforeAll(async () => {
  [cli, cliWithoutEmulator, emulator] = await Promise.all([
    bundleForNode("src/cli.ts", "cli"),
    bundleForNode("src/cli.ts", "cli-without-emulator", { unavailable: ["@decart/emulator"] }),
    startEmulator({}),
  ]);
  folder = mkdtempSync(join(tmpdir(), "decart-cli-"));
  // Small inputs keep the renders short: a 320×180 still and a 10-frame clip.
  await writeTestInputs(join(folder, "clip.mp4"), join(folder, "input.png"));
  writeFileSync(
    join(folder, "path.json"),
    JSON.stringify([
      { frame: 0, x: 0.2, y: 0.5 },
      { frame: 60, x: 0.8, y: 0.4 },
    ]),
  );
});

/** Frames in the clip `writeTestInputs` makes (0.4 s at 25 fps). */
const inputClipFrames = 10;
afterAll(async () => {
  await emulator.close();
  rmSync(folder, { recursive: true, force: true });
});

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as a child process without a TTY. */
async function decart(
  args: string[],
  options: { script?: string; env?: Record<string, string | undefined> } = {},
): Promise<Outcome> {
  const env = { ...process.env, DECART_API_KEY: undefined, ...options.env } as NodeJS.ProcessEnv;
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [options.script ?? cli, ...args], {
      env,
      cwd: folder,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const remote = () => ["--base-url", emulator.url, "--api-key", emulator.apiKey];

/** What a model renders for a resolution, by its own geometry (720p when it offers nothing else). */
function expectedSize(modelName: string, resolution?: string): [number, number] {
  const { geometry } = models.get(modelName);
  const size = geometry[resolution ?? "720p"] ?? geometry["720p"];
  if (!size) throw new Error(`${modelName} has no ${resolution ?? "720p"} geometry`);
  return [size.width, size.height];
}

/** Decodes a rendered MP4 and checks it against the model's codec, geometry, frame rate and length. */
async function expectVideo(
  name: string,
  modelName: string,
  options: { resolution?: string; frames?: number } = {},
): Promise<void> {
  const model = models.get(modelName);
  const fps = model.fps ?? 25;
  const frames = options.frames ?? Math.round(fps * (model.maxDurationSeconds ?? 5));
  const [width, height] = expectedSize(modelName, options.resolution);
  const video = await decodeVideo(join(folder, name));
  expect(video, name).toMatchObject({ codec: "h264", width, height, fps, frames });
  expect(video.durationSeconds, name).toBeCloseTo(frames / fps, 1);
}

/** Decodes a rendered PNG and checks its size against the model's geometry; returns the pixels. */
function expectImage(name: string, modelName: string, resolution?: string): DecodedPng {
  const image = decodePng(join(folder, name));
  expect([image.width, image.height], name).toEqual(expectedSize(modelName, resolution));
  // A decoded picture, not a blank canvas.
  expect(new Set(image.pixels).size, name).toBeGreaterThan(16);
  return image;
}

describe("decart (child process, no TTY)", () => {
  it("lists the models with their inputs", async () => {
    const [listed, asJson] = await Promise.all([decart(["models"]), decart(["models", "--json"])]);
    expect(listed.code).toBe(0);
    for (const model of models.list()) expect(listed.stdout).toContain(model.name);
    expect(listed.stdout).toMatch(/lucy-pro-i2v\s+video\s+prompt:string data:file/);
    const json = JSON.parse(asJson.stdout) as { name: string }[];
    expect(json).toHaveLength(models.list().length);
  });

  it("generates every model kind (one of them with --local) and writes media that decodes", async () => {
    // One run starts its own in-process emulator (--local); the others share the test's emulator, all
    // at once. lucy-pro-t2v is rendered, decoded and checked by the terminal test below.
    const [image, i2v, v2v, flf2v, motion, i2i] = await Promise.all([
      decart([
        ...["generate", "lucy-pro-t2i", "--prompt", "A lighthouse at dawn", "--resolution", "480p"],
        ...["--seed", "4", "-o", "still.png", "--json", "--local"],
      ]),
      decart([
        ...["generate", "lucy-pro-i2v", "--prompt", "Gentle wind", "--data", "input.png"],
        ...["--resolution", "480p", "-o", "i2v.mp4", ...remote()],
      ]),
      decart([
        ...["generate", "lucy-pro-v2v", "--prompt", "anime style", "--data", "clip.mp4"],
        ...["--steps", "20", "--enhance-prompt", "-o", "v2v.mp4", ...remote()],
      ]),
      decart([
        ...["generate", "lucy-pro-flf2v", "--prompt", "Dissolve", "--start", "input.png"],
        ...["--end", "input.png", "--resolution", "480p", "-o", "flf2v.mp4", ...remote()],
      ]),
      decart([
        ...["generate", "lucy-motion", "--data", "input.png", "--trajectory", "path.json"],
        ...["-o", "motion.mp4", ...remote()],
      ]),
      decart([
        ...["generate", "lucy-pro-i2i", "--prompt", "watercolor", "--data", "input.png"],
        ...["--resolution", "480p", "-o", "i2i.png", ...remote()],
      ]),
    ]);
    for (const run of [image, i2v, v2v, flf2v, motion, i2i]) expect(run.code, run.stderr).toBe(0);

    const imageResult = JSON.parse(image.stdout) as { path: string; type: string; bytes: number };
    expect(imageResult).toMatchObject({ path: join(folder, "still.png"), type: "image/png" });
    expectImage("still.png", "lucy-pro-t2i", "480p");
    expectImage("i2i.png", "lucy-pro-i2i", "480p");

    // Without a TTY: plain progress lines on stderr, nothing on stdout.
    expect(i2v.stdout).toBe("");
    // Which intermediate statuses a poll sees depends on timing; the line for the queued job and the
    // final one are always printed.
    expect(i2v.stderr).toMatch(/lucy-pro-i2v: (pending|processing) \(job job_/);
    expect(i2v.stderr).toMatch(/lucy-pro-i2v: completed/);
    expect(i2v.stderr).toMatch(/lucy-pro-i2v: saved .*i2v\.mp4/);
    expect(i2v.stderr).not.toContain("\r");

    await Promise.all([
      expectVideo("i2v.mp4", "lucy-pro-i2v", { resolution: "480p" }),
      // Video to video keeps the input's length: the 10-frame clip.
      expectVideo("v2v.mp4", "lucy-pro-v2v", { frames: inputClipFrames }),
      expectVideo("flf2v.mp4", "lucy-pro-flf2v", { resolution: "480p" }),
      expectVideo("motion.mp4", "lucy-motion"),
    ]);
  }, 120_000);

  it("prints one clear line and exits 1 on errors", async () => {
    const [invalid, unknown, missingFile, noKey, badOption] = await Promise.all([
      decart(["generate", "lucy-pro-i2v", "--prompt", "x", ...remote()]),
      decart(["generate", "lucy-nope", "--prompt", "x", "--local"]),
      decart(["generate", "lucy-pro-i2v", "--prompt", "x", "--data", "nope.png", "--local"]),
      decart(["jobs", "status", "abc"]),
      decart(["generate", "lucy-pro-t2v", "--resolution", "8k"]),
    ]);
    expect(invalid).toMatchObject({ code: 1, stdout: "" });
    expect(invalid.stderr.trim()).toBe("error: Invalid inputs for lucy-pro-i2v: data is required");

    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim().split("\n")).toHaveLength(1);
    expect(unknown.stderr).toMatch(/^error: .*lucy-nope/);

    expect(missingFile.stderr.trim()).toBe(`error: Cannot read nope.png: no such file`);

    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toMatch(/^error: .*(API key|DECART_API_KEY)/i);

    expect(badOption.code).toBe(1);
    expect(badOption.stderr).toMatch(/^error: option '--resolution <resolution>' argument '8k' is invalid/);
  });

  it("says how to install the emulator when --local cannot load it", async () => {
    const outcome = await decart(["generate", "lucy-pro-t2i", "--prompt", "x", "--local"], {
      script: cliWithoutEmulator,
    });
    expect(outcome.code).toBe(1);
    expect(outcome.stderr.trim()).toBe(
      "error: --local needs the emulator: install it with `npm install --save-dev @decart/emulator`",
    );
  });

  it("reads DECART_API_KEY and drives jobs status, result and cancel", async () => {
    const client = createDecartClient({ apiKey: emulator.apiKey, baseUrl: emulator.url });
    const [submitted, image] = await Promise.all([
      // 720p, so it is still running when the cancel arrives.
      client.queue.submit({ model: models.video("lucy-pro-t2v"), prompt: "Slow fog", resolution: "720p" }),
      client.queue.submit({ model: models.image("lucy-pro-t2i"), prompt: "Rain", resolution: "480p" }),
    ]);

    const env = { DECART_API_KEY: emulator.apiKey };
    const status = await decart(["jobs", "status", submitted.job_id, "--base-url", emulator.url, "--json"], {
      env,
    });
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ job_id: submitted.job_id });

    const cancelled = await decart(["jobs", "cancel", submitted.job_id, ...remote()]);
    expect(cancelled.stdout.trim()).toBe(`${submitted.job_id}: cancelled`);
    expect((await client.queue.status(submitted.job_id)).status).toBe("cancelled");

    while ((await client.queue.status(image.job_id)).status !== "completed")
      await new Promise((resolve) => setTimeout(resolve, 50));
    const result = await decart(["jobs", "result", image.job_id, "-o", "rain.png", "--json", ...remote()]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ jobId: image.job_id, type: "image/png" });
    expectImage("rain.png", "lucy-pro-t2i", "480p");
  }, 30_000);
});

/** Runs the CLI in a pseudo-terminal through `script`, collecting everything it draws. */
function inTerminal(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number> } {
  const command = [process.execPath, cli, ...args]
    .map((part) => `'${part.replaceAll("'", "'\\''")}'`)
    .join(" ");
  const child = spawn("script", ["-qec", command, "/dev/null"], {
    cwd: folder,
    env: { ...process.env, DECART_API_KEY: "" },
  });
  let output = "";
  child.stdout?.setEncoding("utf8").on("data", (text: string) => {
    output += text;
  });
  const exited = new Promise<number>((resolve) => child.on("exit", (code) => resolve(code ?? -1)));
  return { child, output: () => output, exited };
}

describe("decart in a terminal", () => {
  it("redraws one progress line in place with status, percent and elapsed time", async () => {
    const run = inTerminal([
      "generate",
      "lucy-pro-t2v",
      "--prompt",
      "A city at night",
      "--resolution",
      "480p",
      "-o",
      "tty.mp4",
      ...remote(),
    ]);
    expect(await run.exited).toBe(0);
    const output = run.output();
    expect(output).toContain("\r\x1b[2K");
    expect(output).toMatch(/lucy-pro-t2v: processing \d+% \(job job_\w+\) \d+\.\d+s/);
    expect(output).toMatch(/lucy-pro-t2v: saved .*tty\.mp4/);
    await expectVideo("tty.mp4", "lucy-pro-t2v", { resolution: "480p" });
  }, 30_000);

  it("cancels the job on the server and exits 130 on Ctrl-C", async () => {
    const run = inTerminal([
      "generate",
      "lucy-pro-t2v",
      "--prompt",
      "A long storm",
      "--resolution",
      "720p",
      "-o",
      "storm.mp4",
      ...remote(),
    ]);
    let jobId: string | undefined;
    for (let waited = 0; jobId === undefined && waited < 10_000; waited += 50) {
      jobId = /\(job (job_\w+)\)/.exec(run.output())?.[1];
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(jobId).toBeDefined();
    run.child.stdin?.write("\x03");
    expect(await run.exited).toBe(130);
    expect(run.output()).toContain(`lucy-pro-t2v: cancelled job ${jobId}`);
    const client = createDecartClient({ apiKey: emulator.apiKey, baseUrl: emulator.url });
    expect((await client.queue.status(jobId as string)).status).toBe("cancelled");
    expect(existsSync(join(folder, "storm.mp4"))).toBe(false);
  }, 30_000);
});
