import { createDecartClient } from "@decart/core";
import { combinedExitCode, exitCodes } from "@decart/node";
import type { Command } from "commander";
import { createDecartQueue, type QueueStatus } from "../queue";
import { startDecartWorker, type WorkerEvent } from "../worker";
import { QueueCliFailure, type QueueTarget, redisUrl, wholeNumber, withQueueOptions } from "./common";

interface WorkFlags extends QueueTarget {
  out: string;
  concurrency: number;
  exitWhenDrained?: boolean;
  template: string;
  lockDuration: number;
  grace: number;
  apiKey?: string;
  baseUrl?: string;
}

/** How often a worker that exits when drained looks at the queue, in milliseconds. */
const drainCheckMs = 500;

/** The exit code of a failed item's recorded error: 4 for refused inputs, 3 for a key, else 5. */
function failureExitCode(status: number | undefined, name: string): number {
  if (name === "InvalidAPIKeyError" || status === 401 || status === 403) return exitCodes.auth;
  if (name === "InvalidInputError" || name === "ModelNotFoundError") return exitCodes.input;
  return exitCodes.server;
}

/** The live line of a worker on a terminal, or a line per finished item elsewhere. */
function createReporter(queueName: string) {
  const tty = process.stderr.isTTY === true && process.env.TERM !== "dumb" && !process.env.NO_COLOR;
  const mine = { done: 0, failed: 0, active: new Set<string>() };
  let fleet: QueueStatus | undefined;
  let paused = 0;
  const draw = () => {
    if (!tty) return;
    const all = fleet
      ? ` · queue: ${fleet.completed} done, ${fleet.failed} failed, ${fleet.waiting + fleet.delayed} waiting`
      : "";
    const pause = paused > Date.now() ? ` · rate limited ${Math.ceil((paused - Date.now()) / 1000)} s` : "";
    process.stderr.write(
      `\r\x1b[2K${queueName}: ${mine.done} done, ${mine.failed} failed, ${mine.active.size} running here${all}${pause}`,
    );
  };
  return {
    event(event: WorkerEvent) {
      if (event.type === "submitted" || event.type === "resumed") mine.active.add(event.key);
      if (event.type === "completed") {
        mine.active.delete(event.key);
        mine.done++;
        if (!tty) process.stderr.write(`done ${event.key} → ${event.result.output}\n`);
      }
      if (event.type === "failed") {
        mine.active.delete(event.key);
        if (event.final) mine.failed++;
        if (!tty)
          process.stderr.write(`${event.final ? "failed" : "will retry"} ${event.key}: ${event.message}\n`);
      }
      if (event.type === "returned") mine.active.delete(event.key);
      if (event.type === "key-rejected") {
        mine.active.delete(event.key);
        process.stderr.write(
          `${tty ? "\r\x1b[2K" : ""}stopping: the API refused this worker's key (${event.message}); its items go back to the queue\n`,
        );
      }
      if (event.type === "rate-limited") {
        paused = Date.now() + event.delayMs;
        if (!tty) process.stderr.write(`rate limited: every worker pauses ${event.delayMs} ms\n`);
      }
      draw();
    },
    fleet(status: QueueStatus) {
      fleet = status;
      draw();
    },
    end() {
      if (tty) process.stderr.write("\n");
      return mine;
    },
  };
}

/** `decart queue work`: runs a worker until stopped (SIGTERM, SIGINT) or, if asked, until the queue is drained. */
export function registerWork(queue: Command, setExitCode: (code: number) => void): void {
  withQueueOptions(
    queue
      .command("work")
      .description("run a worker: take items from the queue, generate them, store the results")
      .requiredOption("--out <folder|s3://bucket/prefix/>", "where results go (a shared folder, or S3)")
      .option("-c, --concurrency <n>", "items at once in this worker", wholeNumber("--concurrency", 1), 4)
      .option("--exit-when-drained", "exit once nothing waits or runs: 0 if no item failed, else non-zero")
      .option("--template <pattern>", "result names from {name}, {key} and {ext}", "{name}.{ext}")
      .option(
        "--lock-duration <ms>",
        "a dead worker's items are taken over after about twice this",
        wholeNumber("--lock-duration", 1000),
        10_000,
      )
      .option(
        "--grace <ms>",
        "on SIGTERM, how long items in flight may finish before they go back",
        wholeNumber("--grace", 0),
        30_000,
      )
      .option("--api-key <key>", "Decart API key (default: $DECART_API_KEY)")
      .option("--base-url <url>", "API base URL (default: $DECART_BASE_URL, else https://api.decart.ai)"),
  ).action(async (flags: WorkFlags) => {
    const url = redisUrl(flags);
    const apiKey = flags.apiKey ?? process.env.DECART_API_KEY;
    if (apiKey === undefined || apiKey.trim() === "")
      throw new QueueCliFailure(
        "Missing API key: pass --api-key <key> or set DECART_API_KEY",
        exitCodes.auth,
      );
    const baseUrl = flags.baseUrl ?? (process.env.DECART_BASE_URL || undefined);
    // A 429 comes straight back, so the worker pauses the whole fleet rather than waiting alone.
    const client = createDecartClient({
      apiKey,
      integration: "decart-queue",
      retry: { rateLimited: false },
      ...(baseUrl ? { baseUrl } : {}),
    });
    const reporter = createReporter(flags.queue);
    const worker = startDecartWorker({
      name: flags.queue,
      connection: url,
      client,
      output: flags.out,
      template: flags.template,
      concurrency: flags.concurrency,
      lockDuration: flags.lockDuration,
      gracePeriod: flags.grace,
      onEvent: (event) => {
        reporter.event(event);
        if (event.type === "key-rejected") {
          keyRejected = true;
          stop();
        }
      },
    });
    const watcher = createDecartQueue({ name: flags.queue, connection: url });
    let signalled = false;
    let keyRejected = false;
    const stop = () => {
      signalled = true;
      void worker.close();
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
    try {
      let status: QueueStatus | undefined;
      while (!signalled) {
        await new Promise((resolve) => setTimeout(resolve, drainCheckMs));
        status = await watcher.status({ failedLimit: 0 }).catch(() => undefined);
        if (!status) continue;
        reporter.fleet(status);
        if (flags.exitWhenDrained && status.waiting + status.active + status.delayed === 0) break;
      }
      await worker.close();
      const mine = reporter.end();
      if (signalled) {
        setExitCode(keyRejected ? exitCodes.auth : exitCodes.ok);
        return;
      }
      const failures = (await watcher.status({ failedLimit: 1_000 })).failures;
      process.stdout.write(
        `${flags.queue}: drained, ${status?.completed ?? 0} done, ${status?.failed ?? 0} failed (${mine.done} done by this worker)\n`,
      );
      setExitCode(
        combinedExitCode(
          failures.map((failure) => failureExitCode(failure.error?.status, failure.error?.name ?? "")),
        ),
      );
    } finally {
      process.off("SIGTERM", stop);
      process.off("SIGINT", stop);
      await watcher.close();
    }
  });
}
