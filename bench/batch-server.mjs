// The server side of the batch benchmark, in its own process so the client's CPU and RSS are its own:
// an emulator whose engine answers every render at once with one tiny real MP4 (64×64, 5 frames), made
// once with ffmpeg (after BENCH_RENDER_MS, if set). Prints {"url","apiKey"} on stdout, then serves until killed.
import { execFileSync } from "node:child_process";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator } from "@decart/emulator";
import { ffmpegPath } from "./ffmpeg-path.mjs";

const folder = await mkdtemp(join(tmpdir(), "decart-bench-batch-"));
const video = join(folder, "tiny.mp4");
execFileSync(ffmpegPath(), [
  ...["-hide_banner", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=64x64:rate=25:duration=0.2"],
  ...["-c:v", "libx264", "-pix_fmt", "yuv420p", "-y", video],
]);
// BENCH_RENDER_MS makes every render take that long, for runs bound by the API's latency rather than by CPU.
const renderMs = Number(process.env.BENCH_RENDER_MS ?? 0);
const engine = {
  async render(request) {
    if (renderMs > 0) await new Promise((resolve) => setTimeout(resolve, renderMs));
    await copyFile(video, request.outputPath);
    return { outputPath: request.outputPath, contentType: "video/mp4", width: 64, height: 64, frames: 5 };
  },
};
const emulator = await startEmulator({
  engine,
  limits: { maxConcurrentJobs: 256, maxQueuedJobs: 100_000, resultTtlMs: 120_000, workDir: folder },
});
process.stdout.write(`${JSON.stringify({ url: emulator.url, apiKey: emulator.apiKey })}\n`);
process.on("SIGTERM", async () => {
  await emulator.close();
  await rm(folder, { recursive: true, force: true });
  process.exit(0);
});
