import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createDecartClient } from "@decart/core";
import { type Emulator, startEmulator } from "@decart/emulator";
import { models } from "@decart/models";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleForNode } from "../test/bundle";

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
});
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

/** PNG width and height from the IHDR chunk. */
function pngSize(path: string): [number, number] {
  const bytes = readFileSync(path);
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

/** Top-level MP4 boxes, in order. */
function mp4Boxes(path: string): string[] {
  const bytes = readFileSync(path);
  const boxes: string[] = [];
  for (let offset = 0; offset + 8 <= bytes.length; ) {
    const size = bytes.readUInt32BE(offset);
    boxes.push(bytes.toString("latin1", offset + 4, offset + 8));
    if (size < 8) break;
    offset += size;
  }
  return boxes;
}

describe("decart (child process, no TTY)", () => {
  it("lists the models with their inputs", async () => {
    const listed = await decart(["models"]);
    expect(listed.code).toBe(0);
    for (const model of models.list()) expect(listed.stdout).toContain(model.name);
    expect(listed.stdout).toMatch(/lucy-pro-i2v\s+video\s+prompt:string data:file/);
    const json = JSON.parse((await decart(["models", "--json"])).stdout) as { name: string }[];
    expect(json).toHaveLength(models.list().length);
  });

  it("generates every model kind against --local and writes valid media", async () => {
    const image = await decart([
      "generate",
      "lucy-pro-t2i",
      "--prompt",
      "A lighthouse at dawn",
      "--resolution",
      "480p",
      "--seed",
      "4",
      "-o",
      "still.png",
      "--json",
      "--local",
    ]);
    expect(image.code, image.stderr).toBe(0);
    const imageResult = JSON.parse(image.stdout) as { path: string; type: string; bytes: number };
    expect(imageResult).toMatchObject({ path: join(folder, "still.png"), type: "image/png" });
    expect(pngSize(imageResult.path)).toEqual([832, 480]);

    const video = await decart([
      "generate",
      "lucy-pro-t2v",
      "--prompt",
      "A lake at sunset",
      "--resolution",
      "480p",
      "-o",
      "lake.mp4",
      "--local",
    ]);
    expect(video.code, video.stderr).toBe(0);
    expect(video.stdout).toBe("");
    expect(video.stderr).toMatch(/lucy-pro-t2v: processing/);
    expect(video.stderr).toMatch(/lucy-pro-t2v: saved .*lake\.mp4/);
    expect(video.stderr).not.toContain("\r");
    expect(mp4Boxes(join(folder, "lake.mp4"))).toEqual(expect.arrayContaining(["ftyp", "moov", "mdat"]));
    writeFileSync(
      join(folder, "path.json"),
      JSON.stringify([
        { frame: 0, x: 0.2, y: 0.5 },
        { frame: 60, x: 0.8, y: 0.4 },
      ]),
    );

    const runs = await Promise.all([
      decart([
        "generate",
        "lucy-pro-i2v",
        "--prompt",
        "Gentle wind",
        "--data",
        "still.png",
        "--resolution",
        "480p",
        "-o",
        "i2v.mp4",
        "--local",
      ]),
      decart([
        "generate",
        "lucy-pro-v2v",
        "--prompt",
        "anime style",
        "--data",
        "lake.mp4",
        "--steps",
        "20",
        "--enhance-prompt",
        "-o",
        "v2v.mp4",
        "--local",
      ]),
      decart([
        "generate",
        "lucy-pro-flf2v",
        "--prompt",
        "Dissolve",
        "--start",
        "still.png",
        "--end",
        "still.png",
        "--resolution",
        "480p",
        "-o",
        "flf2v.mp4",
        "--local",
      ]),
      decart([
        "generate",
        "lucy-motion",
        "--data",
        "still.png",
        "--trajectory",
        "path.json",
        "-o",
        "motion.mp4",
        "--local",
      ]),
      decart([
        "generate",
        "lucy-pro-i2i",
        "--prompt",
        "watercolor",
        "--data",
        "still.png",
        "-o",
        "i2i.png",
        "--local",
      ]),
    ]);
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    for (const name of ["i2v.mp4", "v2v.mp4", "flf2v.mp4", "motion.mp4"]) {
      expect(mp4Boxes(join(folder, name))).toEqual(expect.arrayContaining(["ftyp", "moov", "mdat"]));
    }
    expect(pngSize(join(folder, "i2i.png"))[0]).toBeGreaterThan(0);
    // Seven renders, one emulator per process: about 15 s on an idle 2-core machine, far more under load.
  }, 150_000);

  it("prints one clear line and exits 1 on errors", async () => {
    const invalid = await decart(["generate", "lucy-pro-i2v", "--prompt", "x", "--local"]);
    expect(invalid).toMatchObject({ code: 1, stdout: "" });
    expect(invalid.stderr.trim()).toBe("error: Invalid inputs for lucy-pro-i2v: data is required");

    const unknown = await decart(["generate", "lucy-nope", "--prompt", "x", "--local"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim().split("\n")).toHaveLength(1);
    expect(unknown.stderr).toMatch(/^error: .*lucy-nope/);

    const missingFile = await decart([
      "generate",
      "lucy-pro-i2v",
      "--prompt",
      "x",
      "--data",
      "nope.png",
      "--local",
    ]);
    expect(missingFile.stderr.trim()).toBe(`error: Cannot read nope.png: no such file`);

    const noKey = await decart(["jobs", "status", "abc"]);
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toMatch(/^error: .*(API key|DECART_API_KEY)/i);

    const badOption = await decart(["generate", "lucy-pro-t2v", "--resolution", "8k"]);
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
    const submitted = await client.queue.submit({
      model: models.video("lucy-pro-t2v"),
      prompt: "Slow fog",
      resolution: "720p",
    });

    const env = { DECART_API_KEY: emulator.apiKey };
    const status = await decart(["jobs", "status", submitted.job_id, "--base-url", emulator.url, "--json"], {
      env,
    });
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ job_id: submitted.job_id });

    const cancelled = await decart(["jobs", "cancel", submitted.job_id, ...remote()]);
    expect(cancelled.stdout.trim()).toBe(`${submitted.job_id}: cancelled`);
    expect((await client.queue.status(submitted.job_id)).status).toBe("cancelled");

    const image = await client.queue.submit({
      model: models.image("lucy-pro-t2i"),
      prompt: "Rain",
      resolution: "480p",
    });
    while ((await client.queue.status(image.job_id)).status !== "completed")
      await new Promise((resolve) => setTimeout(resolve, 100));
    const result = await decart(["jobs", "result", image.job_id, "-o", "rain.png", "--json", ...remote()]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ jobId: image.job_id, type: "image/png" });
    expect(pngSize(join(folder, "rain.png"))).toEqual([832, 480]);
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
    expect(existsSync(join(folder, "tty.mp4"))).toBe(true);
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
