import { exitCodes } from "@decart/node";
import type { Command } from "commander";
import { createDecartQueue, type QueueStatus } from "../queue";
import { type QueueTarget, redisUrl, wholeNumber, withProducerOptions } from "./common";

interface StatusFlags extends QueueTarget {
  json?: boolean;
  failed: number;
}

/** The status as a person reads it: counts on one line, then a line per failed item. */
export function statusText(name: string, status: QueueStatus): string {
  const pause =
    status.rateLimitedForMs > 0 ? `, rate limited for ${Math.ceil(status.rateLimitedForMs / 1000)} s` : "";
  const lines = [
    `${name}: ${status.waiting} waiting, ${status.active} active, ${status.completed} completed, ${status.failed} failed, ${status.delayed} delayed${pause}`,
  ];
  for (const failure of status.failures)
    lines.push(
      `  failed ${failure.key} (${failure.model}, ${failure.attempts} attempts): ${failure.message}`,
    );
  if (status.failed > status.failures.length)
    lines.push(`  … and ${status.failed - status.failures.length} more failed`);
  return `${lines.join("\n")}\n`;
}

/** `decart queue status` and `decart queue retry-failed`. */
export function registerStatus(queue: Command, setExitCode: (code: number) => void): void {
  withProducerOptions(
    queue
      .command("status")
      .description("counts by state, the rate-limit pause, and the failed items with their errors")
      .option("--failed <n>", "failed items to list", wholeNumber("--failed", 0), 100)
      .option("--json", "print one JSON object"),
  ).action(async (flags: StatusFlags) => {
    const decartQueue = createDecartQueue({
      name: flags.queue,
      connection: redisUrl(flags),
      connectTimeout: flags.connectTimeout,
    });
    try {
      const status = await decartQueue.status({ failedLimit: flags.failed });
      process.stdout.write(
        flags.json
          ? `${JSON.stringify({ queue: flags.queue, ...status })}\n`
          : statusText(flags.queue, status),
      );
      setExitCode(exitCodes.ok);
    } finally {
      await decartQueue.close();
    }
  });
  withProducerOptions(
    queue.command("retry-failed").description("put every failed item back in the queue, its attempts reset"),
  ).action(async (flags: QueueTarget) => {
    const decartQueue = createDecartQueue({
      name: flags.queue,
      connection: redisUrl(flags),
      connectTimeout: flags.connectTimeout,
    });
    try {
      const count = await decartQueue.retryFailed();
      process.stdout.write(`${count} failed items back in queue ${flags.queue}\n`);
      setExitCode(exitCodes.ok);
    } finally {
      await decartQueue.close();
    }
  });
}
