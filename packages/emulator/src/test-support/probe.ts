import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { ensureExecutable, packageRequire } from "../engine/index.js";

const run = promisify(execFile);

/** The facts of a video's first stream that tests check. */
export interface VideoProbe {
  codec: string;
  pixelFormat: string;
  width: number;
  height: number;
  /** Such as `25/1`. */
  frameRate: string;
  frames: number;
  durationSeconds: number;
  colorPrimaries?: string;
  colorTransfer?: string;
  colorSpace?: string;
  formatName: string;
}

/** Path of ffprobe from `@ffprobe-installer/ffprobe`, made executable if it ships as mode 644. */
export function resolveFfprobe(): string {
  const installer = packageRequire()("@ffprobe-installer/ffprobe") as { path: string };
  return ensureExecutable(installer.path);
}

/**
 * Decode a video's metadata with ffprobe (counting frames by decoding them). A test checks, for example,
 * `expect(await probeVideo("out.mp4")).toMatchObject({ codec: "h264", pixelFormat: "yuv420p", frames: 125 })`.
 */
export async function probeVideo(path: string): Promise<VideoProbe> {
  const { stdout } = await run(resolveFfprobe(), [
    "-v",
    "error",
    "-count_frames",
    "-select_streams",
    "v:0",
    "-show_entries",
    "stream=codec_name,pix_fmt,width,height,r_frame_rate,nb_read_frames,color_primaries,color_transfer,color_space:format=duration,format_name",
    "-of",
    "json",
    path,
  ]);
  const parsed = JSON.parse(stdout) as {
    streams: Record<string, string | number | undefined>[];
    format: { duration?: string; format_name?: string };
  };
  const stream = parsed.streams[0];
  if (!stream) throw new Error(`${path} has no video stream`);
  return {
    codec: String(stream.codec_name),
    pixelFormat: String(stream.pix_fmt),
    width: Number(stream.width),
    height: Number(stream.height),
    frameRate: String(stream.r_frame_rate),
    frames: Number(stream.nb_read_frames),
    durationSeconds: Number(parsed.format.duration),
    colorPrimaries: stream.color_primaries as string | undefined,
    colorTransfer: stream.color_transfer as string | undefined,
    colorSpace: stream.color_space as string | undefined,
    formatName: String(parsed.format.format_name),
  };
}
