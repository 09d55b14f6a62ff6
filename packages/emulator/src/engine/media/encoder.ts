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
    // file within 1% of the size. RGBA frames (styled videos, transitions, motion) are also encoded
    // with sliced threads, one frame split between the threads rather than a frame per thread: 8 MB
    // less resident for 720p, as fast, the file about 2% larger. (For yuv420p frames the frame
    // threads stay: there they are the faster.)
    "-rc-lookahead",
    "5",
    "-x264-params",
    pixelFormat === "rgba" ? "sync-lookahead=0:sliced-threads=1" : "sync-lookahead=0",
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
 * The environment of an encoder reading `yuv420p` frames. ffmpeg's rawvideo demuxer allocates each frame
 * afresh, and x264 holds those very buffers (nothing is converted) in its lookahead and threads, freeing
 * them out of order: with glibc's default, sliding mmap threshold the 1.4 MB blocks keep being given back
 * to the kernel and faulted in again, some 30 000 page faults and a third of a core for 125 720p frames.
 * A fixed threshold above a frame and a high trim threshold keep them in the heap, reused. Not for RGBA
 * frames, which swscale copies out at once: there the default reuses them better (measured: twice the
 * faults and 10 MB more resident with these settings). Other C libraries ignore the variables.
 */
function encoderEnvironment(pixelFormat: "rgba" | "yuv420p"): NodeJS.ProcessEnv | undefined {
  if (pixelFormat !== "yuv420p") return undefined;
  return { ...process.env, MALLOC_MMAP_THRESHOLD_: "33554432", MALLOC_TRIM_THRESHOLD_: "134217728" };
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
    this.child = spawn(resolveFfmpeg(), encoderArguments(options), {
      stdio: ["pipe", "ignore", "pipe"],
      env: encoderEnvironment(options.pixelFormat ?? "rgba"),
    });
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
