import { accessSync, chmodSync, constants, statSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

function executable(path: string): string {
  try {
    accessSync(path, constants.X_OK);
  } catch {
    chmodSync(path, statSync(path).mode | 0o111);
  }
  return path;
}

/** Path of ffmpeg from `@ffmpeg-installer/ffmpeg` (made executable if it ships as mode 644). */
export function ffmpegPath(): string {
  return executable((require("@ffmpeg-installer/ffmpeg") as { path: string }).path);
}

/** Path of ffprobe from `@ffprobe-installer/ffprobe` (made executable if it ships as mode 644). */
export function ffprobePath(): string {
  return executable((require("@ffprobe-installer/ffprobe") as { path: string }).path);
}
