import type { BatchEvent, BatchSnapshot } from "@decart/core";
import type { NodeBatchOutcome } from "./run-batch";

/** Where the view is drawn: process.stderr, or a test's stream. */
export interface BatchViewOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60
    ? `${minutes}m${Math.round(seconds % 60)}s`
    : `${Math.floor(minutes / 60)}h${minutes % 60}m`;
}

/**
 * The progress of `decart batch`: on a TTY a block redrawn in place (done / running / queued / failed,
 * throughput, ETA, then a line per running item); elsewhere one plain line per settled item.
 */
export class BatchView {
  readonly #output: BatchViewOutput;
  readonly #started = Date.now();
  readonly #running = new Map<number, string>();
  readonly #timer: ReturnType<typeof setInterval> | undefined;
  #snapshot: BatchSnapshot | undefined;
  #settled = { completed: 0, failed: 0, cancelled: 0, skipped: 0 };
  #expected: number | undefined;
  #drawnLines = 0;
  readonly #describe: (error: Error) => string;

  /** `describe` words an item's error for the plain lines (the CLI names flags in it). */
  constructor(
    output: BatchViewOutput,
    expected: number | undefined,
    describe: (error: Error) => string = (error) => error.message,
  ) {
    this.#output = output;
    this.#expected = expected;
    this.#describe = describe;
    if (output.isTTY) {
      this.#timer = setInterval(() => this.#draw(), 200);
      this.#timer.unref();
    }
  }

  /** Takes each batch event (bound, to pass to `onEvent`). */
  event = (event: BatchEvent, snapshot: BatchSnapshot): void => {
    this.#snapshot = snapshot;
    if (event.type === "started") this.#running.set(event.index, `${event.key} starting`);
    else if (event.type === "submitted") this.#running.set(event.index, `${event.key} job ${event.jobId}`);
    else if (event.type === "progress") {
      const percent =
        event.progress.progress === undefined ? "" : ` ${Math.round(event.progress.progress * 100)}%`;
      this.#running.set(event.index, `${event.key} ${event.progress.status}${percent}`);
    } else if (event.type === "rate-limited" && !this.#output.isTTY) {
      this.#output.write(
        `rate limited: waiting ${Math.round(event.waitMs)} ms, concurrency ${event.concurrency}\n`,
      );
    }
  };

  /** Takes each settled item. */
  outcome = (outcome: NodeBatchOutcome): void => {
    this.#running.delete(outcome.index);
    if (outcome.skipped) this.#settled.skipped++;
    this.#settled[outcome.status]++;
    if (this.#output.isTTY) return;
    const where = outcome.file ? ` ${outcome.file}` : "";
    const why = outcome.error ? `: ${this.#describe(outcome.error)}` : "";
    const resent = outcome.resubmitted ? " (resubmitted after an unknown outcome)" : "";
    this.#output.write(
      `${outcome.skipped ? "skipped" : outcome.status} #${outcome.index} ${outcome.key}${resent}${where}${why}\n`,
    );
  };

  /** The status line: counts, throughput and time left. */
  line(): string {
    const { completed, failed, cancelled, skipped } = this.#settled;
    const settled = completed + failed + cancelled;
    const seconds = (Date.now() - this.#started) / 1000;
    const rate = (settled - skipped) / Math.max(seconds, 0.001);
    const total = this.#snapshot?.allRead ? this.#snapshot.total + skipped : this.#expected;
    const left = total === undefined ? Number.NaN : (total - settled) / rate;
    return [
      `done ${completed}${total === undefined ? "" : `/${total}`}`,
      `running ${this.#snapshot?.running ?? 0}`,
      `queued ${this.#snapshot?.queued ?? 0}`,
      `failed ${failed}`,
      ...(skipped ? [`skipped ${skipped}`] : []),
      `${rate.toFixed(1)}/s`,
      `ETA ${formatSeconds(left)}`,
    ].join(" · ");
  }

  #draw(): void {
    const lines = [this.line(), ...[...this.#running.values()].slice(0, 8).map((item) => `  ${item}`)];
    const clear = this.#drawnLines > 0 ? `\x1b[${this.#drawnLines}F\x1b[J` : "";
    this.#output.write(`${clear}${lines.join("\n")}\n`);
    this.#drawnLines = lines.length;
  }

  /** Stops redrawing and leaves the final status line. */
  finish(): void {
    if (this.#timer) clearInterval(this.#timer);
    if (this.#output.isTTY) {
      this.#running.clear();
      this.#draw();
    }
  }
}
