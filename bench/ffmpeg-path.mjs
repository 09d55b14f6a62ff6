// The ffmpeg binary of @ffmpeg-installer/ffmpeg, made executable if the package shipped it without the bit
// (the emulator does the same at run time).
import { accessSync, chmodSync, constants, statSync } from "node:fs";
import { createRequire } from "node:module";

let path;

export function ffmpegPath() {
  if (path === undefined) {
    path = createRequire(import.meta.url)("@ffmpeg-installer/ffmpeg").path;
    try {
      accessSync(path, constants.X_OK);
    } catch {
      chmodSync(path, statSync(path).mode | 0o111);
    }
  }
  return path;
}
