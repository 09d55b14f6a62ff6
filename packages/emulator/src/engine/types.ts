/** What a render produces: a still image or a video. */
export type RenderKind = "video" | "image";

/**
 * The task a model performs, which decides how the engine uses the prompt and the inputs. Video and image
 * edits (`video-to-video`, `image-to-image`) style the `data` from the prompt, and a `reference_image`
 * tints them with its colours; `try-on` styles the `data` video and composites the `reference_image` onto
 * the wearer's torso.
 */
export type RenderTask =
  | "text-to-video"
  | "image-to-video"
  | "first-last-frame"
  | "motion"
  | "video-to-video"
  | "try-on"
  | "text-to-image"
  | "image-to-image";

/** One point of a `lucy-motion` trajectory: where the subject is at `frame`. */
export interface TrajectoryPoint {
  /** Output frame index (0-based, at the output rate). */
  frame: number;
  /** Horizontal position: a fraction of the width when every coordinate is within 0–1, pixels otherwise. */
  x: number;
  /** Vertical position: a fraction of the height when every coordinate is within 0–1, pixels otherwise. */
  y: number;
}

/** Paths of the uploaded files, as the server stored them on disk. */
export interface RenderInputs {
  /** The input image or video (`data` of the Process API). */
  data?: string;
  /** The first frame of a first-last-frame video. */
  start?: string;
  /** The last frame of a first-last-frame video. */
  end?: string;
  /** An optional reference image: its colours steer an edit or a restyle; a try-on composites it onto the frames. */
  reference_image?: string;
}

/**
 * Everything an engine needs to produce one result. The request is plain data except `signal` and
 * `onProgress`, so it can cross a worker boundary.
 *
 * @example
 * ```ts
 * import type { RenderRequest } from "@decart/emulator";
 *
 * const request: RenderRequest = {
 *   model: "lucy-pro-t2v", kind: "video", task: "text-to-video",
 *   width: 1280, height: 704, fps: 25, maxDurationSeconds: 5, seed: 42,
 *   prompt: "a city at night with neon lights", inputs: {},
 *   outputPath: "/tmp/out.mp4", signal: new AbortController().signal,
 * };
 * ```
 */
export interface RenderRequest {
  /** Model name, such as `lucy-pro-t2v`. */
  model: string;
  /** Whether the output is a video (MP4) or an image (PNG). */
  kind: RenderKind;
  /** What the model does with its inputs. */
  task: RenderTask;
  /** Output width in pixels (even for video). */
  width: number;
  /** Output height in pixels (even for video). */
  height: number;
  /** Output frame rate. @default 25 */
  fps: number;
  /** Longest output; generated videos are exactly this long, video-to-video is `min(input, this)`. @default 5 */
  maxDurationSeconds: number;
  /** Seed of the deterministic generator (uint32). Same request and seed give byte-identical output. */
  seed: number;
  /** The prompt; may be empty for `motion`, the newer edit models and `try-on`, or a restyle from a reference image. */
  prompt: string;
  /** Paths of the uploaded files. */
  inputs: RenderInputs;
  /** Motion path for the `motion` task. */
  trajectory?: TrajectoryPoint[];
  /** Video-to-video: more steps give a smoother, stronger style; fewer are faster. */
  numInferenceSteps?: number;
  /** Add a few words to the prompt (deterministically from the seed) before picking the scene or style. */
  enhancePrompt?: boolean;
  /** Where to write the PNG or MP4. Written to a temporary file first, then renamed. */
  outputPath: string;
  /** Aborting stops the work, deletes partial output and rejects with `signal.reason`. */
  signal: AbortSignal;
  /** Called with the fraction done, from 0 to 1. */
  onProgress?: (fraction: number) => void;
}

/** What a finished render produced. */
export interface RenderResult {
  /** The path of the written file (`request.outputPath`). */
  outputPath: string;
  /** `video/mp4` or `image/png`. */
  contentType: string;
  /** Output width in pixels. */
  width: number;
  /** Output height in pixels. */
  height: number;
  /** Number of video frames written; absent for images. */
  frames?: number;
}

/**
 * A media engine: the plugin the emulator's server calls to turn a request into a file. The default is
 * {@link createProceduralEngine}; another engine (a GPU model server bridge, say) implements the same shape.
 *
 * @example
 * ```ts
 * import { createProceduralEngine, type Engine, type RenderRequest } from "@decart/emulator";
 *
 * const engine: Engine = createProceduralEngine({ workers: 2 });
 * const request: RenderRequest = {
 *   model: "lucy-pro-t2i", kind: "image", task: "text-to-image", width: 1280, height: 704, fps: 25,
 *   maxDurationSeconds: 5, seed: 42, prompt: "a desert at noon", inputs: {},
 *   outputPath: "/tmp/out.png", signal: AbortSignal.timeout(10_000),
 * };
 * const result = await engine.render(request);
 * console.log(result.width, result.height); // 1280 704
 * await engine.close?.();
 * ```
 */
export interface Engine {
  /** Render one request. Rejects with {@link MediaInputError} for unusable input media. */
  render(request: RenderRequest): Promise<RenderResult>;
  /** Release workers and child processes. */
  close?(): Promise<void>;
}

/** The serializable part of a {@link RenderRequest} that is sent to a worker. */
export type RenderJob = Omit<RenderRequest, "signal" | "onProgress">;
