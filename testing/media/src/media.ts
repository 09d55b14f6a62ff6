import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { promisify } from "node:util";
import { crc32, inflateSync } from "node:zlib";

const execFileAsync = promisify(execFile);

/**
 * The ffmpeg binary `@decart/emulator` already depends on (`@ffmpeg-installer/ffmpeg`), resolved from the
 * emulator's own folder so this package needs no media dependency of its own.
 */
export const ffmpegPath: string = (() => {
  const require = createRequire(import.meta.url);
  const emulatorRequire = createRequire(require.resolve("@decart/emulator/package.json"));
  return (emulatorRequire("@ffmpeg-installer/ffmpeg") as { path: string }).path;
})();

/** What a full decode of a video's first video stream found. */
export interface DecodedVideo {
  codec: string;
  width: number;
  height: number;
  fps: number;
  /** Frames actually decoded (not a container field). */
  frames: number;
  durationSeconds: number;
}

/**
 * Decodes every frame of a video's first video stream with ffmpeg (`-f null`), failing on any decode
 * error, and reads codec, size and frame rate from the stream description.
 */
export async function decodeVideo(path: string): Promise<DecodedVideo> {
  const decoded = await execFileAsync(ffmpegPath, [
    "-hide_banner",
    "-nostats",
    "-v",
    "error",
    "-i",
    path,
    "-map",
    "0:v:0",
    "-f",
    "null",
    "-progress",
    "pipe:1",
    "-",
  ]);
  if (decoded.stderr.trim() !== "")
    throw new Error(`ffmpeg could not decode ${path}: ${decoded.stderr.trim()}`);
  // `-progress` reports periodically; the last report (`progress=end`) has the total.
  const frames = Number([...decoded.stdout.matchAll(/^frame=(\d+)$/gm)].at(-1)?.[1]);
  if (!/^progress=end$/m.test(decoded.stdout)) throw new Error(`ffmpeg did not finish decoding ${path}`);
  // `ffmpeg -i` without an output describes the input on stderr and exits 1.
  const described = await execFileAsync(ffmpegPath, ["-hide_banner", "-i", path]).then(
    (outcome) => outcome.stderr,
    (error: { stderr: string }) => error.stderr,
  );
  const stream = /Stream #0:\d+.*?: Video: (\w+).*?, (\d+)x(\d+)[ ,].*?, ([\d.]+) fps/.exec(described);
  const duration = /Duration: (\d+):(\d+):([\d.]+)/.exec(described);
  if (!stream || !duration) throw new Error(`No video stream described in ${path}:\n${described}`);
  return {
    codec: stream[1] as string,
    width: Number(stream[2]),
    height: Number(stream[3]),
    fps: Number(stream[4]),
    frames,
    durationSeconds: Number(duration[1]) * 3600 + Number(duration[2]) * 60 + Number(duration[3]),
  };
}

/** A decoded PNG: size, channels and the unfiltered 8-bit samples, row after row. */
export interface DecodedPng {
  width: number;
  height: number;
  channels: number;
  pixels: Buffer;
}

const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const channelsOfColorType: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

function paeth(left: number, up: number, upLeft: number): number {
  const estimate = left + up - upLeft;
  const toLeft = Math.abs(estimate - left);
  const toUp = Math.abs(estimate - up);
  const toUpLeft = Math.abs(estimate - upLeft);
  return toLeft <= toUp && toLeft <= toUpLeft ? left : toUp <= toUpLeft ? up : upLeft;
}

/**
 * Fully decodes an 8-bit, non-interlaced PNG (what the emulator writes): checks the signature and every
 * chunk's CRC, inflates the IDAT stream and reverses each row's filter. Throws on anything malformed.
 */
export function decodePng(path: string): DecodedPng {
  const bytes = readFileSync(path);
  if (!bytes.subarray(0, 8).equals(pngSignature)) throw new Error(`${path} is not a PNG`);
  const data: Buffer[] = [];
  let header:
    | { width: number; height: number; bitDepth: number; colorType: number; interlace: number }
    | undefined;
  let ended = false;
  for (let offset = 8; offset < bytes.length && !ended; ) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString("latin1", offset + 4, offset + 8);
    const body = bytes.subarray(offset + 8, offset + 8 + length);
    if (crc32(bytes.subarray(offset + 4, offset + 8 + length)) !== bytes.readUInt32BE(offset + 8 + length)) {
      throw new Error(`${path}: bad CRC in ${type}`);
    }
    if (type === "IHDR") {
      header = {
        width: body.readUInt32BE(0),
        height: body.readUInt32BE(4),
        bitDepth: body[8] as number,
        colorType: body[9] as number,
        interlace: body[12] as number,
      };
    } else if (type === "IDAT") data.push(body);
    else if (type === "IEND") ended = true;
    offset += 12 + length;
  }
  if (!header || !ended || data.length === 0) throw new Error(`${path}: missing IHDR, IDAT or IEND`);
  const channels = channelsOfColorType[header.colorType];
  if (header.bitDepth !== 8 || channels === undefined || header.interlace !== 0) {
    throw new Error(`${path}: only 8-bit non-interlaced grey/RGB/RGBA PNGs are decoded here`);
  }
  const { width, height } = header;
  const stride = width * channels;
  const filtered = inflateSync(Buffer.concat(data));
  if (filtered.length !== height * (stride + 1)) {
    throw new Error(`${path}: ${filtered.length} bytes of image data, expected ${height * (stride + 1)}`);
  }
  const pixels = Buffer.alloc(height * stride);
  for (let row = 0; row < height; row++) {
    const filter = filtered[row * (stride + 1)] as number;
    const input = row * (stride + 1) + 1;
    const output = row * stride;
    for (let index = 0; index < stride; index++) {
      const raw = filtered[input + index] as number;
      const left = index >= channels ? (pixels[output + index - channels] as number) : 0;
      const up = row > 0 ? (pixels[output - stride + index] as number) : 0;
      const upLeft =
        row > 0 && index >= channels ? (pixels[output - stride + index - channels] as number) : 0;
      const predicted =
        filter === 0
          ? 0
          : filter === 1
            ? left
            : filter === 2
              ? up
              : filter === 3
                ? (left + up) >> 1
                : filter === 4
                  ? paeth(left, up, upLeft)
                  : Number.NaN;
      if (Number.isNaN(predicted)) throw new Error(`${path}: unknown filter ${filter} on row ${row}`);
      pixels[output + index] = (raw + predicted) & 0xff;
    }
  }
  return { width, height, channels, pixels };
}

/** Makes a short H.264 test clip and a PNG still with ffmpeg's test source, for inputs. */
export async function writeTestInputs(video: string, image: string): Promise<void> {
  const source = (seconds: string) => `testsrc=size=320x180:rate=25:duration=${seconds}`;
  await Promise.all([
    execFileAsync(ffmpegPath, [
      ...["-hide_banner", "-v", "error", "-f", "lavfi", "-i", source("0.4")],
      ...["-c:v", "libx264", "-pix_fmt", "yuv420p", "-y", video],
    ]),
    execFileAsync(ffmpegPath, [
      ...["-hide_banner", "-v", "error", "-f", "lavfi", "-i", source("1")],
      ...["-frames:v", "1", "-y", image],
    ]),
  ]);
}
