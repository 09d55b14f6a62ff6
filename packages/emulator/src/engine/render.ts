import type { ChildProcess } from "node:child_process";
import { mkdir, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import {
  animateImageYuv,
  chooseStyle,
  createStyle,
  createTint,
  createTryOnOverlay,
  enhancePrompt,
  type FrameDrawer,
  followTrajectory,
  hashString,
  mix,
  type Overlay,
  referencePalette,
  SceneRenderer,
  styleInputSize,
  type Tint,
  transition,
} from "./drawing/index.js";
import { abortError, MediaInputError } from "./errors.js";
import { decodeVideoFrames, loadImagePixels, VideoEncoder, writePng } from "./media/index.js";
import { asBytes, reusableWords, startRender } from "./scratch.js";
import type { RenderJob, RenderResult, RenderTask } from "./types.js";

/** How a render reports to whoever runs it (a worker thread, or a test in-process). */
export interface RenderContext {
  /** Where to write before the final rename. */
  temporaryPath: string;
  /** True once the render should stop. */
  isAborted(): boolean;
  /** Every child process started, so a supervisor can kill it. */
  onChild?(child: ChildProcess): void;
  onProgress?(fraction: number): void;
}

/**
 * Bytes of frames in flight between the renderer and ffmpeg: the frame being drawn and those the pipe
 * still holds. Two to three frames, as many as fit: three `yuv420p` 720p frames, two RGBA ones.
 */
const ringBytes = 8 * 1_048_576;

/** The frame ring of a render, as byte views of `bytes` each (in scratch words, so 4-byte aligned). */
function ringSlots(bytes: number): Uint8Array[] {
  const count = Math.max(2, Math.min(3, Math.floor(ringBytes / bytes)));
  return Array.from({ length: count }, (_, index) =>
    asBytes(reusableWords(`ring${index}`, Math.ceil(bytes / 4))).subarray(0, bytes),
  );
}

function checkAbort(context: RenderContext): void {
  if (context.isAborted()) throw abortError();
}

function jobSeed(job: RenderJob): number {
  return mix(job.seed >>> 0, hashString(job.model));
}

function effectivePrompt(job: RenderJob): string {
  return job.enhancePrompt ? enhancePrompt(job.prompt, job.seed >>> 0) : job.prompt;
}

function requireInput(job: RenderJob, field: "data" | "start" | "end"): string {
  const path = job.inputs[field];
  if (!path) throw new MediaInputError(field, `Invalid inputs for ${job.model}: ${field} is required`);
  return path;
}

/** Draws frame `index` into a ring slot of `bytes` bytes. */
type SlotDrawer = (index: number, slot: Uint8Array) => void;

/** The encoder of a render, started before the render prepares its frames so that ffmpeg starts meanwhile. */
function startEncoder(
  job: RenderJob,
  context: RenderContext,
  pixelFormat: "rgba" | "yuv420p" = "rgba",
): VideoEncoder {
  return new VideoEncoder({
    width: job.width,
    height: job.height,
    fps: job.fps,
    pixelFormat,
    outputPath: context.temporaryPath,
    onChild: context.onChild,
  });
}

/**
 * Encodes `frames` frames: ffmpeg starts first, then `prepare` builds the drawer (loading images, laying
 * out a scene) while it does.
 */
async function encodeFrames(
  job: RenderJob,
  context: RenderContext,
  frames: number,
  format: { pixelFormat: "rgba" | "yuv420p"; bytes: number },
  prepare: () => SlotDrawer | Promise<SlotDrawer>,
): Promise<number> {
  const encoder = startEncoder(job, context, format.pixelFormat);
  try {
    const draw = await prepare();
    const slots = ringSlots(format.bytes);
    const pending: (Promise<void> | undefined)[] = new Array(slots.length);
    for (let index = 0; index < frames; index++) {
      const slot = index % slots.length;
      await pending[slot];
      checkAbort(context);
      const bytes = slots[slot] as Uint8Array;
      draw(index, bytes);
      pending[slot] = encoder.write(bytes);
      pending[slot]?.catch(() => {});
      if (index % 5 === 4) context.onProgress?.((index + 1) / (frames + 2));
    }
    await Promise.all(pending);
    checkAbort(context);
    await encoder.finish();
    return frames;
  } finally {
    encoder.kill();
  }
}

/** Encodes frames drawn as RGBA words by the drawer `prepare` builds. */
function encodeDrawnFrames(
  job: RenderJob,
  context: RenderContext,
  frames: number,
  prepare: () => Promise<FrameDrawer>,
): Promise<number> {
  const pixels = job.width * job.height;
  return encodeFrames(job, context, frames, { pixelFormat: "rgba", bytes: pixels * 4 }, async () => {
    const draw = await prepare();
    return (index, slot) => draw(index, new Uint32Array(slot.buffer, slot.byteOffset, pixels));
  });
}

/**
 * How a `reference_image` steers an edit or a restyle: its colours tint the styled frames, strongly when
 * there is no prompt (a restyle from the reference alone), moderately alongside a prompt.
 */
async function referenceTint(job: RenderJob): Promise<Tint | undefined> {
  const path = job.inputs.reference_image;
  if (!path) return undefined;
  return createTint(await referencePalette(path), job.prompt.trim() === "" ? 0.6 : 0.4);
}

async function styleVideo(job: RenderJob, context: RenderContext): Promise<number> {
  // Try-on composites the reference itself; the other edits take its colours.
  const reference = job.inputs.reference_image;
  const overlay: Overlay | undefined =
    job.task === "try-on" && reference
      ? await createTryOnOverlay(reference, job.width, job.height, job.fps)
      : undefined;
  const tint = job.task === "try-on" ? undefined : await referenceTint(job);
  const prompt = effectivePrompt(job);
  // Steps only smooth the picture here: past 100 (no limit is published) it is smooth enough, and the
  // render stays as fast however many are asked for.
  const steps = Math.min(100, job.numInferenceSteps ?? (job.model.includes("fast") ? 10 : 25));
  const style = createStyle(chooseStyle(prompt), {
    width: job.width,
    height: job.height,
    smoothing: Math.ceil(steps / 15),
  });
  const input = styleInputSize(job.width, job.height, style.scale);
  const maxFrames = Math.round(job.fps * job.maxDurationSeconds);
  const source = requireInput(job, "data");
  const decoder = decodeVideoFrames({
    path: source,
    field: "data",
    width: input.width,
    height: input.height,
    fps: job.fps,
    maxFrames,
    onChild: context.onChild,
  });
  const encoder = startEncoder(job, context);
  let frames = 0;
  try {
    const pixels = job.width * job.height;
    const slots = ringSlots(pixels * 4).map((slot) => new Uint32Array(slot.buffer, slot.byteOffset, pixels));
    const pending: (Promise<void> | undefined)[] = new Array(slots.length);
    for await (const frame of decoder) {
      const slot = frames % slots.length;
      await pending[slot];
      checkAbort(context);
      const pixels = slots[slot] as Uint32Array;
      style.apply(frame, pixels);
      tint?.(pixels);
      overlay?.(frames, pixels);
      pending[slot] = encoder.write(asBytes(pixels));
      pending[slot]?.catch(() => {});
      frames++;
      if (frames % 5 === 0) context.onProgress?.(frames / (maxFrames + 2));
      if (frames >= maxFrames) break;
    }
    await Promise.all(pending);
    checkAbort(context);
    await encoder.finish();
    return frames;
  } finally {
    encoder.kill();
  }
}

async function styleImage(job: RenderJob): Promise<Uint32Array> {
  const tint = await referenceTint(job);
  const prompt = effectivePrompt(job);
  const style = createStyle(chooseStyle(prompt), { width: job.width, height: job.height, smoothing: 2 });
  const input = styleInputSize(job.width, job.height, style.scale);
  const pixels = await loadImagePixels(requireInput(job, "data"), "data", input.width, input.height);
  const out = reusableWords("image-out", job.width * job.height);
  style.apply(asBytes(pixels), out);
  tint?.(out);
  return out;
}

/** Draws the frames of one video task and encodes them; resolves with the number of frames written. */
type VideoRenderer = (job: RenderJob, context: RenderContext, frames: number) => Promise<number>;

const animateStill: VideoRenderer = (job, context, frames) => {
  const { width, height } = job;
  const format = { pixelFormat: "yuv420p", bytes: (width * height * 3) / 2 } as const;
  return encodeFrames(job, context, frames, format, async () => {
    const imageWidth = width + Math.round(width * 0.08);
    const imageHeight = height + Math.round(height * 0.08);
    const image = await loadImagePixels(requireInput(job, "data"), "data", imageWidth, imageHeight);
    return animateImageYuv(image, imageWidth, imageHeight, width, height, frames, jobSeed(job));
  });
};

const firstToLast: VideoRenderer = (job, context, frames) =>
  encodeDrawnFrames(job, context, frames, async () => {
    const { width, height } = job;
    const imageWidth = width + Math.round(width * 0.06);
    // Both loads end before the render does, even when one fails: a load still running would write its
    // pixels into the scratch of the worker's next render.
    const [first, last] = await Promise.allSettled([
      loadImagePixels(requireInput(job, "start"), "start", imageWidth, height),
      loadImagePixels(requireInput(job, "end"), "end", imageWidth, height),
    ]);
    if (first.status === "rejected") throw first.reason;
    if (last.status === "rejected") throw last.reason;
    return transition(first.value, last.value, imageWidth, width, height, frames);
  });

const motion: VideoRenderer = (job, context, frames) =>
  encodeDrawnFrames(job, context, frames, async () => {
    const image = await loadImagePixels(requireInput(job, "data"), "data", job.width, job.height);
    const points =
      job.trajectory && job.trajectory.length > 0 ? job.trajectory : [{ frame: 0, x: 0.5, y: 0.5 }];
    return followTrajectory(image, job.width, job.height, points);
  });

const scene: VideoRenderer = (job, context, frames) => {
  const format = { pixelFormat: "yuv420p", bytes: (job.width * job.height * 3) / 2 } as const;
  return encodeFrames(job, context, frames, format, () => {
    const renderer = new SceneRenderer(job.width, job.height, frames, effectivePrompt(job), jobSeed(job));
    return (index, out) => renderer.renderFrameYuv(index, out);
  });
};

/** The renderer of every video task. */
const videoRenderers: Record<Exclude<RenderTask, "text-to-image" | "image-to-image">, VideoRenderer> = {
  "text-to-video": scene,
  "image-to-video": animateStill,
  "first-last-frame": firstToLast,
  motion,
  "video-to-video": (job, context) => styleVideo(job, context),
  "try-on": (job, context) => styleVideo(job, context),
};

async function renderImage(job: RenderJob, context: RenderContext): Promise<RenderResult> {
  const { width, height } = job;
  let pixels: Uint32Array;
  if (job.task === "image-to-image") {
    pixels = await styleImage(job);
  } else {
    pixels = reusableWords("image-out", width * height);
    new SceneRenderer(width, height, 1, effectivePrompt(job), jobSeed(job)).renderFrame(0, pixels);
  }
  checkAbort(context);
  await writePng(pixels, width, height, context.temporaryPath);
  checkAbort(context);
  await rename(context.temporaryPath, job.outputPath);
  context.onProgress?.(1);
  return { outputPath: job.outputPath, contentType: "image/png", width, height };
}

async function renderVideo(job: RenderJob, context: RenderContext): Promise<RenderResult> {
  const frames = Math.round(job.fps * job.maxDurationSeconds);
  const renderer = videoRenderers[job.task as keyof typeof videoRenderers] ?? scene;
  const written = await renderer(job, context, frames);
  checkAbort(context);
  await rename(context.temporaryPath, job.outputPath);
  context.onProgress?.(1);
  return {
    outputPath: job.outputPath,
    contentType: "video/mp4",
    width: job.width,
    height: job.height,
    frames: written,
  };
}

/**
 * Render one job to `job.outputPath` (through `context.temporaryPath` and a rename). Runs in a worker
 * thread in production; it is plain async code, so tests can also call it directly.
 */
export async function renderJob(job: RenderJob, context: RenderContext): Promise<RenderResult> {
  startRender();
  await mkdir(dirname(job.outputPath), { recursive: true });
  try {
    return job.kind === "image" ? await renderImage(job, context) : await renderVideo(job, context);
  } catch (error) {
    await rm(context.temporaryPath, { force: true });
    throw error;
  }
}
