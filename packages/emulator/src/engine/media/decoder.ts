import { type ChildProcess, spawn } from "node:child_process";
import { MediaInputError } from "../errors.js";
import { reusableBytes } from "../scratch.js";
import { resolveFfmpeg } from "./ffmpeg.js";
import { FrameReader } from "./frame-reader.js";

/** Options of {@link decodeVideoFrames}. */
export interface DecodeOptions {
  /** Input file. */
  path: string;
  /** Input field name, for error messages. */
  field: string;
  width: number;
  height: number;
  fps: number;
  /** Stop after this many frames (the decoder is killed). */
  maxFrames: number;
  /** Extra ffmpeg filters run before scaling, such as a blur that a style wants. */
  prefilter?: string;
  onChild?: (child: ChildProcess) => void;
}

/** ffmpeg's arguments to decode `options.path` into raw RGBA frames on stdout. */
function decodeArguments(options: DecodeOptions): string[] {
  const { width, height, fps, maxFrames } = options;
  const filters = [
    `fps=${fps}`,
    ...(options.prefilter ? [options.prefilter] : []),
    `scale=${width}:${height}:force_original_aspect_ratio=increase:flags=bilinear`,
    `crop=${width}:${height}`,
    "format=rgba",
  ].join(",");
  return [
    "-hide_banner",
    "-loglevel",
    "error",
    "-nostdin",
    // One decoding thread: the pipe, not the decoder, sets the pace, and each extra frame thread holds
    // decoded frames of its own.
    "-threads",
    "1",
    "-i",
    options.path,
    "-map",
    "0:v:0",
    "-an",
    "-sn",
    "-dn",
    "-vf",
    filters,
    "-frames:v",
    String(maxFrames),
    "-threads",
    "1",
    "-f",
    "rawvideo",
    "-pix_fmt",
    "rgba",
    "-",
  ];
}

/**
 * Decode a video into raw RGBA frames of exactly `width`×`height` (cover-scaled and centre-cropped) at
 * `fps`, each read from ffmpeg straight into one reused buffer ({@link FrameReader}), and only as fast as
 * the caller consumes them: ffmpeg waits while a frame is in use. The yielded buffer is reused: finish
 * with a frame before asking for the next.
 */
export async function* decodeVideoFrames(options: DecodeOptions): AsyncGenerator<Uint8Array, number> {
  const { width, height, maxFrames } = options;
  const frame = reusableBytes("decoded-frame", width * height * 4);
  const reader = await FrameReader.open(frame);
  let child: ChildProcess;
  try {
    child = spawn(resolveFfmpeg(), decodeArguments(options), { stdio: ["ignore", reader.childEnd, "pipe"] });
  } finally {
    reader.releaseChildEnd();
  }
  options.onChild?.(child);
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    if (stderr.length < 4096) stderr += chunk.toString();
  });
  const closed = new Promise<number | null>((resolve) => {
    child.on("error", () => resolve(-1));
    child.on("close", (code) => resolve(code));
  });

  let frames = 0;
  try {
    while (await reader.next()) {
      frames++;
      yield frame;
      if (frames >= maxFrames) return frames;
    }
    const code = await closed;
    if (frames === 0) {
      const reason = stderr.trim().split("\n").pop() ?? "";
      throw new MediaInputError(
        options.field,
        `Could not decode the ${options.field} video: ${reason || `ffmpeg exited with ${code}`}. Upload an MP4, WebM or MOV file.`,
      );
    }
    return frames;
  } finally {
    reader.close();
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
}

/**
 * Check, before a job is queued, that a file is a video the engine can decode: ffmpeg must decode its
 * first frame within `timeoutMs`. Throws {@link MediaInputError} (→ 422) for a file with no decodable
 * video frame. A probe that runs out of time (a machine under load, a very large first frame) is not
 * proof of a bad file, so it passes, and the render reports any problem. For example,
 * `await probeVideo("/tmp/upload.mp4", "data")` resolves, or rejects with a `MediaInputError`.
 */
export async function probeVideo(
  path: string,
  field = "data",
  timeoutMs = 5_000,
  ffmpegPath: string = resolveFfmpeg(),
): Promise<void> {
  const child = spawn(
    ffmpegPath,
    [
      "-hide_banner",
      "-v",
      "error",
      "-nostdin",
      "-i",
      path,
      "-map",
      "0:v:0",
      "-an",
      "-sn",
      "-dn",
      "-frames:v",
      "1",
      "-threads",
      "1",
      "-vf",
      "scale=8:8",
      "-f",
      "rawvideo",
      "-pix_fmt",
      "gray",
      "-",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let bytes = 0;
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (bytes += chunk.length));
  child.stderr.on("data", (chunk: Buffer) => {
    if (stderr.length < 4096) stderr += chunk.toString();
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, timeoutMs);
  const code = await new Promise<number | null>((resolve) => {
    child.on("error", () => resolve(-1));
    child.on("close", (exitCode) => resolve(exitCode));
  });
  clearTimeout(timer);
  if (timedOut || bytes > 0) return;
  const reason = stderr.trim().split("\n").pop() ?? "";
  throw new MediaInputError(
    field,
    `Could not decode the ${field} video: ${reason || `ffmpeg exited with ${code}`}. Upload an MP4, WebM or MOV file.`,
  );
}
