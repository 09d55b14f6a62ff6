import { execFile } from "node:child_process";
import { copyFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Engine } from "@decart/emulator";
import { ffmpegPath } from "./media";

const execFileAsync = promisify(execFile);

/**
 * An emulator engine that answers every render at once with the same tiny, real media: a 64×64,
 * 5-frame H.264 MP4 and a 64×64 PNG made once with ffmpeg into `folder`. For runs of thousands of jobs,
 * where the procedural engine's real renders would take the time.
 */
export async function createFastEngine(folder: string): Promise<{
  engine: Engine;
  renders: () => number;
  /** While true, a render whose prompt contains "hold" waits until it is aborted (or released). */
  hold: { enabled: boolean; aborted: number; release: () => void };
  /** Renders whose prompt contains a key fail, as a GPU fault would, that many more times. */
  failures: Map<string, number>;
}> {
  const video = join(folder, "fast-engine.mp4");
  const image = join(folder, "fast-engine.png");
  const source = "testsrc=size=64x64:rate=25:duration=0.2";
  await Promise.all([
    execFileAsync(ffmpegPath, [
      ...["-hide_banner", "-v", "error", "-f", "lavfi", "-i", source],
      ...["-c:v", "libx264", "-pix_fmt", "yuv420p", "-y", video],
    ]),
    execFileAsync(ffmpegPath, [
      "-hide_banner",
      "-v",
      "error",
      "-f",
      "lavfi",
      "-i",
      source,
      "-frames:v",
      "1",
      "-y",
      image,
    ]),
  ]);
  let renders = 0;
  const waiting = new Set<() => void>();
  const hold = {
    enabled: true,
    aborted: 0,
    release: () => {
      hold.enabled = false;
      for (const resume of waiting) resume();
    },
  };
  const failures = new Map<string, number>();
  const engine: Engine = {
    async render(request) {
      for (const [text, left] of failures) {
        if (left > 0 && request.prompt.includes(text)) {
          failures.set(text, left - 1);
          throw new Error(`render failed for "${text}"`);
        }
      }
      if (hold.enabled && request.prompt.includes("hold")) {
        await new Promise<void>((resolve, reject) => {
          const resume = () => {
            waiting.delete(resume);
            resolve();
          };
          waiting.add(resume);
          request.signal.addEventListener("abort", () => {
            waiting.delete(resume);
            hold.aborted++;
            reject(request.signal.reason);
          });
        });
      }
      request.signal.throwIfAborted();
      renders++;
      const isVideo = request.kind === "video";
      await copyFile(isVideo ? video : image, request.outputPath);
      return {
        outputPath: request.outputPath,
        contentType: isVideo ? "video/mp4" : "image/png",
        width: 64,
        height: 64,
        ...(isVideo ? { frames: 5 } : {}),
      };
    },
  };
  return { engine, renders: () => renders, hold, failures };
}
