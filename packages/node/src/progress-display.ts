import type { ProgressEvent } from "@decart/core";

/** Where progress is drawn: a stream with an optional TTY flag (process.stderr). */
export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

const frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/**
 * Draws a generation's progress for the CLI: on a TTY one line redrawn in place (spinner, status,
 * percent when known, elapsed time, job id); elsewhere one plain line per status change.
 */
export class ProgressDisplay {
  private readonly started = Date.now();
  private readonly timer: ReturnType<typeof setInterval> | undefined;
  private last: ProgressEvent = { status: "pending" };
  private frame = 0;
  private lastPlain = "";

  constructor(
    private readonly output: ProgressOutput,
    private readonly label: string,
  ) {
    if (output.isTTY) {
      this.timer = setInterval(() => this.draw(), 100);
      this.timer.unref();
      this.draw();
    }
  }

  /** Records an event from `onProgress` (or the generation observable) and redraws. */
  update(event: ProgressEvent): void {
    this.last = { ...this.last, ...event };
    if (this.output.isTTY) {
      this.draw();
      return;
    }
    const line = this.describe();
    if (line !== this.lastPlain) {
      this.lastPlain = line;
      this.output.write(`${line} ${this.elapsed()}\n`);
    }
  }

  /** Stops redrawing and leaves the line with a final message. */
  finish(message?: string): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    if (this.output.isTTY) this.output.write("\r\x1b[2K");
    if (message) this.output.write(`${message}\n`);
  }

  private describe(): string {
    const { status, progress, jobId } = this.last;
    const percent = progress === undefined ? "" : ` ${Math.round(progress * 100)}%`;
    return `${this.label}: ${status}${percent}${jobId ? ` (job ${jobId})` : ""}`;
  }

  private elapsed(): string {
    return `${((Date.now() - this.started) / 1000).toFixed(1)}s`;
  }

  private draw(): void {
    this.frame = (this.frame + 1) % frames.length;
    this.output.write(`\r\x1b[2K${frames[this.frame]} ${this.describe()} ${this.elapsed()}`);
  }
}
