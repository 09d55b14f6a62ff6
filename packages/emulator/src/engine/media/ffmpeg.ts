import { accessSync, chmodSync, constants, statSync } from "node:fs";
import { packageRequire } from "../module-path.js";

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

/** The environment variable naming an ffmpeg binary to use instead of the bundled one. */
export const ffmpegPathVariable = "DECART_FFMPEG_PATH";

/** Path of the ffmpeg binary: `$DECART_FFMPEG_PATH` when set, else the one from `@ffmpeg-installer/ffmpeg`. */
export function resolveFfmpeg(): string {
  const configured = process.env[ffmpegPathVariable];
  if (configured) return configured;
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
