import { Redis } from "ioredis";

/**
 * How to reach Redis: a `redis://` URL, or an ioredis instance of your own (created with
 * `maxRetriesPerRequest: null`, as BullMQ needs). @default `REDIS_URL`, else `redis://127.0.0.1:6379`
 *
 * @example
 * ```ts
 * import type { RedisConnection } from "@decart/queue";
 *
 * const connection: RedisConnection = "redis://redis.internal:6379/0";
 * ```
 */
export type RedisConnection = string | Redis;

/** A connection to use, and whether this package opened it (and so closes it). */
export interface OpenedConnection {
  redis: Redis;
  owned: boolean;
  close(): Promise<void>;
  /**
   * Resolves once the connection is ready; rejects with a {@link RedisUnreachableError} when it has not
   * been within `timeoutMs`. Once ready, later calls resolve at once: a Redis that goes away mid-run is
   * waited for, as the connection reconnects by itself.
   */
  ready(timeoutMs: number): Promise<void>;
}

/**
 * Redis could not be reached within the connect timeout (a wrong `--redis` URL, a Redis that is down):
 * what `queue.add()`, `status()`, `retryFailed()` and `results()` reject with instead of waiting for ever.
 *
 * @example
 * ```ts
 * import { createDecartQueue, RedisUnreachableError } from "@decart/queue";
 *
 * const queue = createDecartQueue({ name: "restyle", connection: "redis://redis.internal:6379", connectTimeout: 5_000 });
 * try {
 *   console.log(await queue.status());
 * } catch (error) {
 *   if (error instanceof RedisUnreachableError) console.error(error.message);
 *   else throw error;
 * } finally {
 *   await queue.close();
 * }
 * ```
 */
export class RedisUnreachableError extends Error {
  /** Always `"RedisUnreachableError"`. */
  override readonly name = "RedisUnreachableError";
}

/** Where `redis` points, for messages: its host and port (never its password). */
function addressOf(redis: Redis): string {
  const { host, port, path } = redis.options;
  return path ? path : `${host ?? "127.0.0.1"}:${port ?? 6379}`;
}

function readiness(redis: Redis): (timeoutMs: number) => Promise<void> {
  let lastError: Error | undefined;
  redis.on("error", (error: Error) => {
    lastError = error;
  });
  let reached = false;
  return (timeoutMs) => {
    if (reached || redis.status === "ready") {
      reached = true;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const onReady = () => {
        clearTimeout(timer);
        reached = true;
        resolve();
      };
      const timer = setTimeout(() => {
        redis.off("ready", onReady);
        const reason = lastError ? `: ${lastError.message}` : "";
        reject(
          new RedisUnreachableError(
            `Cannot reach Redis at ${addressOf(redis)} within ${timeoutMs} ms${reason}. Check the --redis URL (or REDIS_URL) and that Redis is running.`,
          ),
        );
      }, timeoutMs);
      redis.once("ready", onReady);
    });
  };
}

/**
 * Opens the connection the option names. A URL gets an ioredis client that reconnects by itself with a
 * capped backoff and never fails a command for want of a connection (`maxRetriesPerRequest: null`), so a
 * Redis restart pauses the work instead of losing it.
 */
export function openConnection(connection: RedisConnection | undefined): OpenedConnection {
  if (connection instanceof Redis)
    return { redis: connection, owned: false, close: async () => {}, ready: readiness(connection) };
  const url = connection ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    retryStrategy: (attempt) => Math.min(100 * 2 ** attempt, 2_000),
  });
  // Connection errors are retried by ioredis; BullMQ reports what matters through its own events.
  redis.on("error", () => {});
  return {
    redis,
    owned: true,
    ready: readiness(redis),
    close: async () => {
      // QUIT waits for a reply, which a Redis that is down never sends.
      if (redis.status === "ready") await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
    },
  };
}

/** The Redis key prefix of every queue this package makes, BullMQ's default. */
export const keyPrefix = "bull";

/** The hash that records, per finished item, where its result went: it outlives the trimmed job history. */
export const doneKey = (queue: string) => `${keyPrefix}:${queue}:decart:done`;

/** The hash that gives each output `{name}` of the queue to one item's key, so two items never share a file. */
export const namesKey = (queue: string) => `${keyPrefix}:${queue}:decart:names`;

/** The key whose time to live is the fleet's pause after a 429 (set by a worker, read before each submit). */
export const pauseKey = (queue: string) => `${keyPrefix}:${queue}:decart:pause`;

/**
 * Pauses the fleet for `delayMs` unless it already is for longer: a 429 with a short Retry-After (or
 * none) never cuts short the pause another worker's 429 asked for. One script, so two workers setting
 * it at once keep the longer. Resolves the pause now in force, in ms.
 */
export async function extendPause(redis: Redis, queue: string, delayMs: number): Promise<number> {
  const remaining = await redis.eval(
    `local left = redis.call("PTTL", KEYS[1])
    local wanted = tonumber(ARGV[1])
    if left >= wanted then return left end
    redis.call("SET", KEYS[1], ARGV[2], "PX", wanted)
    return wanted`,
    1,
    pauseKey(queue),
    String(Math.max(1, Math.ceil(delayMs))),
    String(Date.now() + delayMs),
  );
  return Number(remaining);
}
