/**
 * The notes' examples against an in-process emulator: t2v, i2v, v2v, t2i, a cancelled job and an
 * invalid input. Writes the media to ./output and prints what it made. Run it with `npm run demo`.
 */
import { execFile } from "node:child_process";
import { accessSync, chmodSync, constants, openAsBlob, statSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createDecartClient, InvalidInputError } from "@decart/core";
import { readJobStatus } from "@decart/core/protocol";
import { startEmulator } from "@decart/emulator";
import { models } from "@decart/models";

const fixtures = fileURLToPath(new URL("../fixtures/", import.meta.url));
const outputDir = resolve(process.env.DECART_DEMO_OUTPUT ?? "output");
const require = createRequire(import.meta.url);

interface Row {
  file: string;
  model: string;
  size: string;
  dimensions: string;
  time: string;
}

/** Width×height (and frames and length for video) decoded by ffprobe, the way a player would see them. */
async function describeMedia(path: string): Promise<string> {
  const ffprobe = (require("@ffprobe-installer/ffprobe") as { path: string }).path;
  try {
    accessSync(ffprobe, constants.X_OK);
  } catch {
    chmodSync(ffprobe, 0o755); // the npm package ships it without the executable bit
  }
  const { stdout } = await promisify(execFile)(ffprobe, [
    "-v",
    "error",
    "-count_frames",
    "-select_streams",
    "v:0",
    "-show_entries",
    "stream=codec_name,width,height,nb_read_frames:format=duration",
    "-of",
    "json",
    path,
  ]);
  const probe = JSON.parse(stdout) as {
    streams: Array<{ codec_name: string; width: number; height: number; nb_read_frames?: string }>;
    format: { duration?: string };
  };
  const stream = probe.streams[0];
  if (!stream) return "no video stream";
  const size = `${stream.width}×${stream.height}`;
  if (stream.codec_name === "png") return `${size} png`;
  return `${size} ${stream.codec_name}, ${stream.nb_read_frames} frames, ${Number(probe.format.duration).toFixed(2)} s`;
}

const formatBytes = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(2)} MB` : `${(bytes / 1024).toFixed(1)} KB`;

function printTable(rows: Row[]): void {
  const columns: Array<keyof Row> = ["file", "model", "size", "dimensions", "time"];
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) => cells.map((cell, index) => cell.padEnd(widths[index] ?? 0)).join("  ");
  console.log(`\n${line(columns)}\n${line(widths.map((width) => "-".repeat(width)))}`);
  for (const row of rows) console.log(line(columns.map((column) => row[column])));
}

async function main(): Promise<void> {
  await mkdir(outputDir, { recursive: true });
  const emulator = await startEmulator();
  console.log(`Emulator running at ${emulator.url}`);
  const client = createDecartClient({ apiKey: emulator.apiKey, baseUrl: emulator.url });
  const rows: Row[] = [];

  async function make(file: string, model: string, work: () => Promise<Blob>): Promise<void> {
    const started = performance.now();
    const result = await work();
    const path = join(outputDir, file);
    await writeFile(path, new Uint8Array(await result.arrayBuffer()));
    const seconds = (performance.now() - started) / 1000;
    const row = {
      file: relative(process.cwd(), path),
      model,
      size: formatBytes(statSync(path).size),
      dimensions: await describeMedia(path),
      time: `${seconds.toFixed(2)} s`,
    };
    rows.push(row);
    console.log(`✔ ${row.file} (${row.model}, ${row.time})`);
  }

  try {
    await make("lake-t2v.mp4", "lucy-pro-t2v", () =>
      client.process({
        model: models.video("lucy-pro-t2v"),
        prompt: "A serene lake at sunset with mountains in the background",
        seed: 42,
        resolution: "720p",
        orientation: "landscape",
      }),
    );
    await make("animated-i2v.mp4", "lucy-pro-i2v", async () =>
      client.process({
        model: models.video("lucy-pro-i2v"),
        prompt: "Animate with gentle motion and wind",
        data: await openAsBlob(join(fixtures, "sample.png"), { type: "image/png" }),
        seed: 123,
        resolution: "720p",
      }),
    );
    await make("anime-v2v.mp4", "lucy-pro-v2v", async () =>
      client.process({
        model: models.video("lucy-pro-v2v"),
        prompt: "Convert to anime style with vibrant colors",
        data: await openAsBlob(join(fixtures, "sample.mp4"), { type: "video/mp4" }),
        enhance_prompt: true,
        num_inference_steps: 50,
      }),
    );
    await make("city-t2i.png", "lucy-pro-t2i", () =>
      client.process({
        model: models.image("lucy-pro-t2i"),
        prompt: "A futuristic cityscape at night with neon lights",
        seed: 42,
        orientation: "portrait",
        resolution: "720p",
      }),
    );

    // Cancel: abort as soon as the job is queued; the client cancels it on the server too.
    const controller = new AbortController();
    let jobId: string | undefined;
    try {
      await client.process({
        model: models.video("lucy-pro-t2v"),
        prompt: "Epic fantasy landscape with dragons",
        signal: controller.signal,
        onProgress: (event) => {
          if (event.jobId && !jobId) {
            jobId = event.jobId;
            controller.abort();
          }
        },
      });
      console.log("✘ the cancelled job finished anyway");
      process.exitCode = 1;
    } catch (error) {
      if ((error as Error).name !== "AbortError") throw error;
      const status = jobId ? await serverStatus(emulator, jobId) : "never submitted";
      console.log(
        `✔ cancelled: the call rejected with ${(error as Error).name}; the server reports job ${jobId} ${status}`,
      );
    }

    // An invalid input fails before any network call, with a typed error naming the field.
    try {
      await client.process({ model: models.video("lucy-pro-i2v"), prompt: "test" } as never);
      console.log("✘ the invalid input was accepted");
      process.exitCode = 1;
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      console.log(`✔ invalid input: ${error.name}: ${error.message}`);
    }

    printTable(rows);
  } finally {
    await emulator.close();
  }
}

/** Asks the emulator for a job's status, waiting briefly for the client's cancel to land. */
async function serverStatus(emulator: { url: string; apiKey: string }, jobId: string): Promise<string> {
  let status = "unknown";
  for (let attempt = 0; attempt < 50; attempt++) {
    const response = await fetch(`${emulator.url}/v1/jobs/${jobId}`, {
      headers: { "x-api-key": emulator.apiKey },
    });
    // A cancelled job reads `failed` with `"cancelled": true`; the protocol's reader calls it cancelled.
    status = readJobStatus(await response.json(), jobId).status;
    if (status === "cancelled") break;
    await new Promise((done) => setTimeout(done, 20));
  }
  return status;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
