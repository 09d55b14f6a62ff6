import { type ChildProcess, spawn } from "node:child_process";
import { deterministicFlags, resolveFfmpeg } from "./ffmpeg.js";

/** Options of {@link VideoEncoder}. */
export interface VideoEncoderOptions {
  width: number;
  height: number;
  fps: number;
  /** What each frame written is: packed RGBA, or planar 4:2:0 YUV (BT.601, limited range). @default "rgba" */
  pixelFormat?: "rgba" | "yuv420p";
  /** The file ffmpeg writes (a temporary path; the caller renames it). */
  outputPath: string;
  /** Told about every child process, so a supervisor can kill it. */
  onChild?: (child: ChildProcess) => void;
}

/** The ffmpeg arguments that encode raw frames (RGBA unless told otherwise) from stdin into an H.264 MP4. */
export function encoderArguments(
  options: Pick<VideoEncoderOptions, "width" | "height" | "fps" | "outputPath" | "pixelFormat">,
): string[] {
  const { width, height, fps, outputPath, pixelFormat = "rgba" } = options;
  return [
    "-hide_banner",
    "-loglevel",
    "error",
    "-nostdin",
    "-y",
    "-f",
    "rawvideo",
    "-pix_fmt",
    pixelFormat,
    "-s",
    `${width}x${height}`,
    "-r",
    String(fps),
    "-i",
    "-",
    "-c:v",
    "libx264",
    "-preset",
    "veryfast",
    "-pix_fmt",
    "yuv420p",
    "-color_primaries",
    "bt709",
    "-color_trc",
    "bt709",
    "-colorspace",
    "bt709",
    // A 5-frame rate-control lookahead (veryfast's default is 10) and no extra frames buffered for the
    // lookahead thread hold fewer 720p frames inside x264: about 25 MB less resident memory for a
    // file within 1% of the size.
    "-rc-lookahead",
    "5",
    "-x264-params",
    "sync-lookahead=0",
    ...deterministicFlags,
    "-movflags",
    "+faststart",
    "-r",
    String(fps),
    "-f",
    "mp4",
    outputPath,
  ];
}

/**
 * An ffmpeg child process that reads raw frames on stdin. `write` resolves once the frame has been
 * handed to the pipe, so a caller that awaits it never holds more than a frame or two in flight.
 */
export class VideoEncoder {
  readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private failure: Error | undefined;
  private stderr = "";
  frames = 0;

  constructor(options: VideoEncoderOptions) {
    this.child = spawn(resolveFfmpeg(), encoderArguments(options), { stdio: ["pipe", "ignore", "pipe"] });
    options.onChild?.(this.child);
    this.child.stderr?.on("data", (chunk: Buffer) => {
      if (this.stderr.length < 8192) this.stderr += chunk.toString();
    });
    this.child.stdin?.on("error", (error) => {
      this.failure ??= error;
    });
    this.exited = new Promise((resolve) => {
      this.child.on("error", (error) => {
        this.failure ??= error;
        resolve();
      });
      this.child.on("close", (code, signal) => {
        if (code !== 0)
          this.failure ??= new Error(`ffmpeg encoder exited with ${code ?? signal}: ${this.stderr.trim()}`);
        resolve();
      });
    });
  }

  /** Queue one frame; resolves when the pipe has taken it (the buffer may then be reused). */
  write(frame: Uint8Array): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const stdin = this.child.stdin;
    if (!stdin) return Promise.reject(new Error("ffmpeg encoder has no stdin"));
    this.frames++;
    return new Promise((resolve, reject) => {
      stdin.write(frame, (error) => (error ? reject(this.failure ?? error) : resolve()));
    });
  }

  /** Close stdin and wait for ffmpeg to finish the file. */
  async finish(): Promise<void> {
    this.child.stdin?.end();
    await this.exited;
    if (this.failure) throw this.failure;
  }

  /** Stop ffmpeg now. */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
  }
}
