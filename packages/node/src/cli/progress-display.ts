import type { GenerationSnapshot } from "@decart/core";
import { hideCursor, showCursor } from "./terminal";

/**
 * Where progress is drawn: a stream (process.stderr) and whether it may be redrawn in place with escape
 * codes (a terminal that allows them, see `ansiAllowed`).
 */
export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

const frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/**
 * Draws a generation's progress for the CLI from the snapshots of `@decart/core`'s `GenerationObserver`:
 * on a TTY one line redrawn in place (spinner, status, percent when known, elapsed time, job id) with the
 * cursor hidden until `finish` (or the process exits); elsewhere one plain line per change of status or
 * percent, without escape codes.
 */
export class ProgressDisplay {
  private readonly started = Date.now();
  private readonly timer: ReturnType<typeof setInterval> | undefined;
  private status = "pending";
  private progress: number | undefined;
  private jobId: string | undefined;
  private frame = 0;
  private lastPlain = "";
  private finished = false;
  private readonly restoreCursor = () => this.output.write(showCursor);

  constructor(
    private readonly output: ProgressOutput,
    private readonly label: string,
  ) {
    if (output.isTTY) {
      output.write(hideCursor);
      process.once("exit", this.restoreCursor);
      this.timer = setInterval(() => this.draw(), 100);
      this.timer.unref();
      this.draw();
    }
  }

  /**
   * Takes the generation's latest snapshot and redraws. Only a running generation is drawn: the end
   * (a result, an error, a cancel) is for `finish` to say. Bound, so it can be given to `subscribe` as is.
   */
  update = (snapshot: GenerationSnapshot): void => {
    if (this.finished || snapshot.status !== "pending") return;
    this.status = snapshot.progress?.status ?? snapshot.status;
    this.progress = snapshot.progress?.progress ?? this.progress;
    this.jobId = snapshot.jobId ?? this.jobId;
    if (this.output.isTTY) {
      this.draw();
      return;
    }
    // Plain lines start with the first report from the server, so an error while checking the inputs
    // stays the only line printed.
    if (snapshot.progress === undefined) return;
    const line = this.describe();
    if (line !== this.lastPlain) {
      this.lastPlain = line;
      this.output.write(`${line} ${this.elapsed()}\n`);
    }
  };

  /** Stops redrawing and leaves the line with a final message. */
  finish(message?: string): void {
    if (this.finished) return;
    this.finished = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    if (this.output.isTTY) {
      this.output.write(`\r\x1b[2K${showCursor}`);
      process.off("exit", this.restoreCursor);
    }
    if (message) this.output.write(`${message}\n`);
  }

  private describe(): string {
    const percent = this.progress === undefined ? "" : ` ${Math.round(this.progress * 100)}%`;
    return `${this.label}: ${this.status}${percent}${this.jobId ? ` (job ${this.jobId})` : ""}`;
  }

  private elapsed(): string {
    return `${((Date.now() - this.started) / 1000).toFixed(1)}s`;
  }

  private draw(): void {
    this.frame = (this.frame + 1) % frames.length;
    this.output.write(`\r\x1b[2K${frames[this.frame]} ${this.describe()} ${this.elapsed()}`);
  }
}
