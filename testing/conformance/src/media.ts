import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import sharp from "sharp";
import { ffmpegPath, ffprobePath } from "./tools";

const run = promisify(execFile);

/** What a decoded video is: the facts of its first video stream, frames counted by decoding them. */
export interface DecodedVideo {
  formatName: string;
  codec: string;
  width: number;
  height: number;
  frames: number;
}

/** What a decoded image is. */
export interface DecodedImage {
  format: string;
  width: number;
  height: number;
}

/** Decodes an image's header and pixels with sharp (a truncated or fake PNG throws). */
export async function decodeImage(bytes: Uint8Array): Promise<DecodedImage> {
  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  const metadata = await sharp(bytes).metadata();
  if (data.length !== info.width * info.height * info.channels)
    throw new Error("image pixels are incomplete");
  return { format: String(metadata.format), width: info.width, height: info.height };
}

/** Decodes a video with ffprobe, counting its frames by decoding every one. */
export async function decodeVideo(bytes: Uint8Array): Promise<DecodedVideo> {
  const directory = await mkdtemp(join(tmpdir(), "decart-conformance-"));
  try {
    const path = join(directory, "video");
    await writeFile(path, bytes);
    const { stdout } = await run(ffprobePath(), [
      ...["-v", "error", "-count_frames", "-select_streams", "v:0"],
      ...["-show_entries", "stream=codec_name,width,height,nb_read_frames:format=format_name"],
      ...["-of", "json", path],
    ]);
    const parsed = JSON.parse(stdout) as {
      streams: Array<Record<string, string | number | undefined>>;
      format: { format_name?: string };
    };
    const stream = parsed.streams[0];
    if (!stream) throw new Error("the file has no video stream");
    return {
      formatName: String(parsed.format.format_name),
      codec: String(stream.codec_name),
      width: Number(stream.width),
      height: Number(stream.height),
      frames: Number(stream.nb_read_frames),
    };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/** Input media the suites upload: a small PNG photo stand-in and a one-second H.264 clip. */
export interface SampleMedia {
  image: Uint8Array;
  video: Uint8Array;
  /** Length of `video` in seconds: an edit of it lasts as long, at the model's frame rate. */
  videoSeconds: number;
}

/** Renders the sample inputs: a 320×192 gradient PNG and a 1 s, 10 fps, 320×192 MP4. */
export async function createSampleMedia(): Promise<SampleMedia> {
  const width = 320;
  const height = 192;
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const offset = (y * width + x) * 3;
      pixels[offset] = (x * 255) / width;
      pixels[offset + 1] = (y * 255) / height;
      pixels[offset + 2] = 128;
    }
  }
  const image = await sharp(pixels, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
  const directory = await mkdtemp(join(tmpdir(), "decart-conformance-"));
  try {
    const path = join(directory, "sample.mp4");
    await run(ffmpegPath(), [
      ...["-v", "error", "-f", "lavfi", "-i", `testsrc=size=${width}x${height}:rate=10:duration=1`],
      ...["-c:v", "libx264", "-pix_fmt", "yuv420p", "-threads", "1", "-y", path],
    ]);
    return { image: new Uint8Array(image), video: new Uint8Array(await readFile(path)), videoSeconds: 1 };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
