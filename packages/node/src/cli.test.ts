import { once } from "node:events";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDecartClient } from "@decart/core";
import { createProceduralEngine, type Emulator, type Engine, startEmulator } from "@decart/emulator";
import { inputJsonSchema, models } from "@decart/models";
import { type DecodedPng, decodePng, decodeVideo, writeTestInputs } from "@decart/test-media";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hideCursor, showCursor } from "./cli/index";
import { bundleForNode, type CliRun, runCliScript, inTerminal as runInTerminal } from "./test-support/index";

let cli: string;
let cliWithoutEmulator: string;
let folder: string;
let emulator: Emulator;

/** A prompt the emulator renders until its job is cancelled, so a cancel never races the job's end. */
const heldPrompt = "Held until cancelled";
const procedural = createProceduralEngine();
const engine: Engine = {
  render: (request) =>
    request.prompt === heldPrompt
      ? new Promise((_resolve, reject) => {
          const stop = () => reject(request.signal.reason);
          if (request.signal.aborted) stop();
          else request.signal.addEventListener("abort", stop, { once: true });
        })
      : procedural.render(request),
};

beforeAll(async () => {
  [cli, cliWithoutEmulator, emulator] = await Promise.all([
    bundleForNode("src/cli.ts", "cli"),
    bundleForNode("src/cli.ts", "cli-without-emulator", { unavailable: ["@decart/emulator"] }),
    startEmulator({ engine }),
  ]);
  folder = mkdtempSync(join(tmpdir(), "decart-cli-"));
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  closedUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await new Promise((resolve) => server.close(resolve));
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
  await procedural.close?.();
  rmSync(folder, { recursive: true, force: true });
});

/** Runs the CLI as a child process without a TTY. */
function decart(
  args: string[],
  options: { script?: string; env?: Record<string, string | undefined> } = {},
): Promise<CliRun> {
  const env = { ...process.env, DECART_API_KEY: undefined, ...options.env } as NodeJS.ProcessEnv;
  return runCliScript(options.script ?? cli, args, { cwd: folder, env });
}

/** A URL where nothing listens (a port taken, then released). */
let closedUrl: string;

const remote = () => ["--base-url", emulator.url, "--api-key", emulator.apiKey];

/** Whether the emulator reports the job cancelled (`cancelled`, or `failed` with `"cancelled": true`). */
async function cancelledOnServer(jobId: string): Promise<boolean> {
  const response = await fetch(`${emulator.url}/v1/jobs/${jobId}`, {
    headers: { "x-api-key": emulator.apiKey },
  });
  const body = (await response.json()) as { status: string; cancelled?: boolean };
  return body.status === "cancelled" || body.cancelled === true;
}

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

    // Without a TTY: plain progress lines on stderr; stdout carries only the saved file's path.
    expect(i2v.stdout).toBe(`${join(folder, "i2v.mp4")}\n`);
    // Which intermediate statuses a poll sees depends on timing; the line for the queued job and the
    // final one are always printed.
    expect(i2v.stderr).toMatch(/lucy-pro-i2v: (pending|processing) \(job job_/);
    expect(i2v.stderr).toMatch(/lucy-pro-i2v: completed/);
    expect(i2v.stderr).toMatch(/lucy-pro-i2v: saved \d+(\.\d)? (B|KiB|MiB) in \d+\.\ds/);
    expect(i2v.stderr).not.toContain("\r");

    await Promise.all([
      expectVideo("i2v.mp4", "lucy-pro-i2v", { resolution: "480p" }),
      // Video to video keeps the input's length: the 10-frame clip.
      expectVideo("v2v.mp4", "lucy-pro-v2v", { frames: inputClipFrames }),
      expectVideo("flf2v.mp4", "lucy-pro-flf2v", { resolution: "480p" }),
      expectVideo("motion.mp4", "lucy-motion"),
    ]);
  }, 120_000);

  it("refuses inputs the model does not take before it needs a key or starts --local", async () => {
    for (const args of [
      ["generate", "lucy-pro-i2v", "--prompt", "x"],
      ["generate", "lucy-pro-i2v", "--prompt", "x", "--local"],
    ]) {
      const run = await decart(args, { env: { DECART_API_KEY: "" } });
      expect([run.code, run.stderr.trim()]).toEqual([
        4,
        "error: Invalid inputs for lucy-pro-i2v: --data is required",
      ]);
    }
  });

  it("prints one clear line in terms of flags, with an exit code per kind of failure", async () => {
    const [invalid, unknown, missingFile, noKey, badOption, wrongKey, unreachable] = await Promise.all([
      decart(["generate", "lucy-pro-i2v", "--prompt", "x", ...remote()]),
      decart(["generate", "lucy-nope", "--prompt", "x", "--local"]),
      decart(["generate", "lucy-pro-i2v", "--prompt", "x", "--data", "nope.png", "--local"]),
      decart(["jobs", "status", "abc"]),
      decart(["generate", "lucy-pro-t2v", "--resolution", "8k"]),
      decart(["generate", "lucy-pro-t2i", "--prompt", "x", "--base-url", emulator.url, "--api-key", "wrong"]),
      decart(["generate", "lucy-pro-t2i", "--prompt", "x", "--base-url", closedUrl, "--api-key", "k"]),
    ]);
    // Input: the field is named by the flag that sets it.
    expect(invalid).toMatchObject({ code: 4, stdout: "" });
    expect(invalid.stderr.trim()).toBe("error: Invalid inputs for lucy-pro-i2v: --data is required");
    expect(missingFile.code).toBe(4);
    expect(missingFile.stderr.trim()).toBe(`error: Cannot read nope.png: no such file`);

    // Usage: an unknown model or a bad option value.
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim().split("\n")).toHaveLength(1);
    expect(unknown.stderr).toMatch(/^error: .*lucy-nope/);
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toMatch(/^error: option '--resolution <value>' argument '8k' is invalid/);

    // Authentication: a missing key says which flag or variable to set; a rejected one names them too.
    expect(noKey.code).toBe(3);
    expect(noKey.stderr.trim()).toBe(
      "error: Missing API key: pass --api-key <key> or set DECART_API_KEY (or try --local with @decart/emulator)",
    );
    expect(wrongKey.code).toBe(3);
    expect(wrongKey.stderr).toMatch(/--api-key/);
    expect(wrongKey.stderr).not.toMatch(/\bapiKey\b/);

    // Server or network.
    expect(unreachable.code, unreachable.stderr).toBe(5);
  }, 60_000);

  it("documents the exit codes, the environment and examples in --help", async () => {
    const [main, generate, jobs] = await Promise.all([
      decart(["--help"]),
      decart(["generate", "--help"]),
      decart(["jobs", "--help"]),
    ]);
    expect(main.code).toBe(0);
    expect(main.stdout).toMatch(/Exit codes:\n\s+0\s+done/);
    for (const line of [/^\s+2\s+usage/m, /^\s+3\s+authentication/m, /^\s+4\s+input/m, /^\s+5\s+server/m])
      expect(main.stdout).toMatch(line);
    expect(main.stdout).toMatch(/^\s+130\s+interrupted/m);
    expect(main.stdout).toContain("DECART_BASE_URL");
    for (const help of [main, generate, jobs]) expect(help.stdout).toMatch(/Examples?:\n\s+decart /);
  });

  it("says how to install the emulator when --local cannot load it", async () => {
    const outcome = await decart(["generate", "lucy-pro-t2i", "--prompt", "x", "--local"], {
      script: cliWithoutEmulator,
    });
    expect(outcome.code).toBe(2);
    expect(outcome.stderr.trim()).toBe(
      "error: --local needs the emulator: install it with `npm install --save-dev @decart/emulator`",
    );
  });

  it("reads DECART_API_KEY and drives jobs status, result and cancel", async () => {
    const client = createDecartClient({ apiKey: emulator.apiKey, baseUrl: emulator.url });
    const [submitted, image] = await Promise.all([
      client.queue.submit({ model: models.video("lucy-pro-t2v"), prompt: heldPrompt, resolution: "720p" }),
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
    expect(await cancelledOnServer(submitted.job_id)).toBe(true);
    // Cancelled already: it had ended, so there is nothing to cancel (exit 1), as for a finished job.
    const again = await decart(["jobs", "cancel", submitted.job_id, ...remote()]);
    expect([again.code, again.stderr.trim()]).toEqual([
      1,
      `error: ${submitted.job_id} had already been cancelled: nothing to cancel`,
    ]);

    while ((await client.queue.status(image.job_id)).status !== "completed")
      await new Promise((resolve) => setTimeout(resolve, 50));
    const result = await decart(["jobs", "result", image.job_id, "-o", "rain.png", "--json", ...remote()]);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ jobId: image.job_id, type: "image/png" });
    expectImage("rain.png", "lucy-pro-t2i", "480p");
  }, 30_000);
});

/** Runs the CLI in a pseudo-terminal through `script`, collecting everything it draws. */
const inTerminal = (args: string[], env: Record<string, string | undefined> = {}) =>
  runInTerminal(cli, args, { cwd: folder, env });

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
    expect(output).toMatch(/lucy-pro-t2v: saved \d/);
    expect(output).toContain(join(folder, "tty.mp4"));
    // The cursor is hidden while the line is redrawn, and shown again at the end.
    expect(output.indexOf(hideCursor)).toBeGreaterThan(-1);
    expect(output.lastIndexOf(showCursor)).toBeGreaterThan(output.indexOf(hideCursor));
    await expectVideo("tty.mp4", "lucy-pro-t2v", { resolution: "480p" });
  }, 30_000);

  it("cancels the job on the server and exits 130 on Ctrl-C", async () => {
    const run = inTerminal([
      "generate",
      "lucy-pro-t2v",
      "--prompt",
      heldPrompt,
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
    expect(run.output().lastIndexOf(showCursor)).toBeGreaterThan(run.output().indexOf(hideCursor));
    expect(await cancelledOnServer(jobId as string)).toBe(true);
    expect(existsSync(join(folder, "storm.mp4"))).toBe(false);
  }, 30_000);
});

describe("decart in a terminal without escape codes", () => {
  it.each([
    ["TERM=dumb", { TERM: "dumb" }],
    ["NO_COLOR", { NO_COLOR: "1" }],
  ])(
    "prints plain progress lines under %s",
    async (_label, env) => {
      const run = inTerminal(
        [
          "generate",
          "lucy-pro-t2i",
          "--prompt",
          "Dusk",
          "--resolution",
          "480p",
          "-o",
          "plain.png",
          ...remote(),
        ],
        env,
      );
      expect(await run.exited).toBe(0);
      expect(run.output()).toContain(join(folder, "plain.png"));
      expect(run.output()).not.toContain("\x1b");
    },
    30_000,
  );
});

describe("decart generate: the destination is ready before anything is sent", () => {
  const t2i = (output: string, ...extra: string[]) =>
    decart(["generate", "lucy-pro-t2i", "--prompt", "Rain", "--resolution", "480p", "-o", output, ...extra]);

  it("creates a missing folder, and saves inside a folder given as -o under the generated name", async () => {
    mkdirSync(join(folder, "stills"), { recursive: true });
    const [nested, intoFolder, trailingSlash] = await Promise.all([
      t2i("new/deeper/rain.png", ...remote()),
      t2i("stills", ...remote()),
      t2i("made/", "--json", ...remote()),
    ]);
    for (const run of [nested, intoFolder, trailingSlash]) expect(run.code, run.stderr).toBe(0);
    expect(nested.stdout).toBe(`${join(folder, "new/deeper/rain.png")}\n`);
    expectImage("new/deeper/rain.png", "lucy-pro-t2i", "480p");
    const [inside] = readdirSync(join(folder, "stills"));
    expect(inside).toMatch(/^lucy-pro-t2i-.+\.png$/);
    expect(intoFolder.stdout).toBe(`${join(folder, "stills", inside as string)}\n`);
    expectImage(`stills/${inside}`, "lucy-pro-t2i", "480p");
    const json = JSON.parse(trailingSlash.stdout) as { path: string };
    expect(json.path.startsWith(join(folder, "made"))).toBe(true);
  }, 60_000);

  it("refuses an unusable destination before connecting (nothing listens at the base URL)", async () => {
    writeFileSync(join(folder, "a-file"), "not a folder");
    const run = await t2i("a-file/out.png", "--base-url", closedUrl, "--api-key", "k");
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(
      "error: Cannot save to a-file/out.png: a parent of the path is not a directory",
    );
  });
});

describe("decart generate: flags and help from the registry", () => {
  /** The flags listed under `Inputs:` in a help text. */
  const listedInputs = (help: string) =>
    [...(help.split("Inputs:\n")[1]?.split("\n\n")[0] ?? "").matchAll(/^\s+(?:-\w, )?--([\w-]+)/gm)].map(
      (match) => match[1],
    );

  it("lists exactly each model's inputs, with types, limits, defaults and an example", async () => {
    const helps = await Promise.all(models.list().map((model) => decart(["generate", model.name, "--help"])));
    models.list().forEach((model, index) => {
      const help = helps[index]?.stdout ?? "";
      const fields = Object.keys(
        (inputJsonSchema(model) as { properties: Record<string, unknown> }).properties,
      );
      const flags = fields.map((field) =>
        field === "num_inference_steps" ? "steps" : field.replaceAll("_", "-"),
      );
      expect(listedInputs(help).sort(), model.name).toEqual(flags.sort());
      expect(help, model.name).toContain(`Example:\n  decart generate ${model.name} `);
      for (const [field, media] of Object.entries(model.fileFields)) {
        expect(help, model.name).toMatch(
          new RegExp(`--${field.replaceAll("_", "-")} <file\\|url>\\s+.*${media} file`),
        );
      }
    });
    const v2v = helps[models.list().findIndex((model) => model.name === "lucy-pro-v2v")]?.stdout ?? "";
    expect(v2v).toMatch(/--steps <n>\s+denoising steps[^-]*integer;\s+at least 1/);
    expect(v2v).toMatch(/--enhance-prompt\s/);
    expect(helps[0]?.stdout).toMatch(/--prompt <text>\s+\(required\)[^-]*1 to 1000\s+characters/);
    expect(helps[0]?.stdout).toMatch(/--resolution <value>[^-]*choices: "720p", "480p"/);
  });

  it("sends --reference-image, --enhance-prompt and --steps (and its long spelling)", async () => {
    const [clip, v2v] = await Promise.all([
      decart([
        ...["generate", "lucy-clip", "--prompt", "a red scarf", "--data", "clip.mp4"],
        ...["--reference-image", "input.png", "-o", "clip-ref.mp4", ...remote()],
      ]),
      decart([
        ...["generate", "lucy-pro-v2v", "--prompt", "ink", "--data", "clip.mp4", "--no-enhance-prompt"],
        ...["--num-inference-steps", "12", "-o", "v2v-steps.mp4", ...remote()],
      ]),
    ]);
    expect(clip.code, clip.stderr).toBe(0);
    expect(v2v.code, v2v.stderr).toBe(0);
    await expectVideo("clip-ref.mp4", "lucy-clip", { frames: inputClipFrames });
  }, 60_000);

  it("refuses a flag the model does not take as a usage error naming the flag", async () => {
    const run = await decart(["generate", "lucy-pro-t2v", "--prompt", "x", "--steps", "20", ...remote()]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: unknown option '--steps'/);
  });
});

describe("decart jobs", () => {
  it("refuses --local: a new emulator knows no jobs", async () => {
    const runs = await Promise.all(
      ["status", "result", "cancel"].map((command) => decart(["jobs", command, "job_abc", "--local"])),
    );
    for (const run of runs) {
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(
        /^error: --local cannot be used with jobs (status|result|cancel): .*--base-url/,
      );
    }
  });

  it("says a finished job cannot be cancelled and exits 1", async () => {
    const client = createDecartClient({ apiKey: emulator.apiKey, baseUrl: emulator.url });
    const job = await client.queue.submit({
      model: models.image("lucy-pro-t2i"),
      prompt: "Snow",
      resolution: "480p",
    });
    while ((await client.queue.status(job.job_id)).status !== "completed")
      await new Promise((resolve) => setTimeout(resolve, 50));
    const run = await decart(["jobs", "cancel", job.job_id, ...remote()]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr.trim()).toBe(`error: ${job.job_id} had already completed: nothing to cancel`);
  }, 30_000);
});

describe("decart reads DECART_BASE_URL", () => {
  it("uses it when --base-url is not given", async () => {
    const run = await decart(
      ["generate", "lucy-pro-t2i", "--prompt", "Dawn", "--resolution", "480p", "-o", "env.png"],
      {
        env: { DECART_API_KEY: emulator.apiKey, DECART_BASE_URL: emulator.url },
      },
    );
    expect(run.code, run.stderr).toBe(0);
    expectImage("env.png", "lucy-pro-t2i", "480p");
  }, 30_000);
});
