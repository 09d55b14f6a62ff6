import { accessSync, chmodSync, constants, statSync } from "node:fs";
import { packageRequire } from "./module-path.js";

let ffmpegPath: string | undefined;

/** Make sure a shipped binary is executable (some packages ship it with mode 644). */
export function ensureExecutable(path: string): string {
  try {
    accessSync(path, constants.X_OK);
  } catch {
    const mode = statSync(path).mode;
    chmodSync(path, mode | 0o111);
  }
  return path;
}

/** Path of the ffmpeg binary from `@ffmpeg-installer/ffmpeg`. */
export function resolveFfmpeg(): string {
  if (ffmpegPath === undefined) {
    const installer = packageRequire()("@ffmpeg-installer/ffmpeg") as { path: string };
    ffmpegPath = ensureExecutable(installer.path);
  }
  return ffmpegPath;
}

/** Flags that make libx264 output byte-identical across runs. */
export const deterministicFlags = [
  "-threads",
  "2",
  "-fflags",
  "+bitexact",
  "-flags",
  "+bitexact",
  "-map_metadata",
  "-1",
];
