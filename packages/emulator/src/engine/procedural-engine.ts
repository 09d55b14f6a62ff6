import { ffmpegPathVariable } from "./media/index.js";
import type { Engine, RenderJob, RenderRequest, RenderResult } from "./types.js";
import { WorkerPool } from "./workers/index.js";

/** Options of {@link createProceduralEngine}. */
export interface ProceduralEngineOptions {
  /** Worker threads, which is also the number of renders that run at once. @default 2 */
  workers?: number;
  /**
   * The ffmpeg binary that decodes uploads and encodes videos, such as a system `/usr/bin/ffmpeg`.
   * @default `$DECART_FFMPEG_PATH`, else the binary of `@ffmpeg-installer/ffmpeg`
   */
  ffmpegPath?: string;
}

function validate(request: RenderRequest): void {
  const { width, height, fps, maxDurationSeconds } = request;
  if (
    !Number.isInteger(width) ||
    !Number.isInteger(height) ||
    width < 16 ||
    height < 16 ||
    width > 4096 ||
    height > 4096
  ) {
    throw new RangeError(
      `Invalid geometry ${width}x${height}: width and height must be integers from 16 to 4096`,
    );
  }
  if (request.kind === "video" && (width % 2 !== 0 || height % 2 !== 0)) {
    throw new RangeError(`Invalid geometry ${width}x${height}: video width and height must be even`);
  }
  if (!(fps > 0 && fps <= 60) || !(maxDurationSeconds > 0 && maxDurationSeconds <= 60)) {
    throw new RangeError(`Invalid timing: fps must be in (0, 60] and maxDurationSeconds in (0, 60]`);
  }
  if (request.kind === "video" && Math.round(fps * maxDurationSeconds) < 1) {
    throw new RangeError(
      `Invalid timing: ${fps} fps for ${maxDurationSeconds} s is no whole frame; a video needs at least one`,
    );
  }
}

/**
 * The default engine: procedural scenes for text prompts, animated inputs for image-to-video, styles for
 * video-to-video and image-to-image. Renders run in worker threads (ffmpeg encodes in child processes), so
 * the server's event loop stays free; the output is byte-identical for the same request and seed.
 *
 * @example
 * ```ts
 * import { createProceduralEngine } from "@decart/emulator";
 *
 * const engine = createProceduralEngine({ workers: 2 });
 * const result = await engine.render({
 *   model: "lucy-pro-t2i", kind: "image", task: "text-to-image", width: 1280, height: 704, fps: 25,
 *   maxDurationSeconds: 5, seed: 7, prompt: "snowy mountains at dawn", inputs: {},
 *   outputPath: "/tmp/out.png", signal: AbortSignal.timeout(10_000),
 * });
 * console.log(result.contentType); // "image/png"
 * await engine.close?.();
 * ```
 */
export function createProceduralEngine(options: ProceduralEngineOptions = {}): Engine {
  const pool = new WorkerPool(
    options.workers ?? 2,
    options.ffmpegPath === undefined
      ? undefined
      : { ...process.env, [ffmpegPathVariable]: options.ffmpegPath },
  );
  return {
    async render(request: RenderRequest): Promise<RenderResult> {
      validate(request);
      const { signal, onProgress, ...rest } = request;
      const job: RenderJob = { ...rest, seed: request.seed >>> 0, inputs: { ...request.inputs } };
      return pool.run(job, signal, onProgress);
    },
    close: () => pool.close(),
  };
}
