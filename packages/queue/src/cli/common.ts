import { exitCodes } from "@decart/node";
import type { Command } from "commander";

/** A failure the queue commands detect, with the `decart` exit code it stands for. */
export class QueueCliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number = exitCodes.failure,
  ) {
    super(message);
  }
}

/** The options every `decart queue` command takes. */
export interface QueueTarget {
  redis?: string;
  queue: string;
  /** Milliseconds a producer command waits for an unreachable Redis before giving up. */
  connectTimeout?: number;
}

/** Adds `--redis` and `--queue` to a command. */
export function withQueueOptions(command: Command): Command {
  return command
    .option("--redis <url>", "Redis URL (default: $REDIS_URL)")
    .requiredOption("--queue <name>", "the queue's name, shared by producers and workers");
}

/**
 * `--redis`, `--queue` and `--connect-timeout`: the options of a command that asks Redis once and ends
 * (`add`, `status`, `retry-failed`, `dashboard`), which gives up on an unreachable Redis; `work` waits.
 */
export function withProducerOptions(command: Command): Command {
  return withQueueOptions(command).option(
    "--connect-timeout <ms>",
    "how long to wait for Redis before giving up with exit code 5",
    wholeNumber("--connect-timeout", 1),
    10_000,
  );
}

/** The Redis URL of the options, or of `REDIS_URL`; a usage error without either. */
export function redisUrl(options: QueueTarget): string {
  const url = options.redis ?? (process.env.REDIS_URL || undefined);
  if (url === undefined)
    throw new QueueCliFailure(
      "name the Redis server: --redis redis://host:6379 or REDIS_URL",
      exitCodes.usage,
    );
  if (!/^rediss?:\/\//i.test(url))
    throw new QueueCliFailure(`--redis ${url}: expected a redis:// or rediss:// URL`, exitCodes.usage);
  return url;
}

/** Parses a whole number flag of at least `min`. */
export function wholeNumber(flag: string, min: number): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (!Number.isInteger(number) || number < min)
      throw new QueueCliFailure(
        `${flag} must be a whole number of at least ${min} (got ${value})`,
        exitCodes.usage,
      );
    return number;
  };
}
