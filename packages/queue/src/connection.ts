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
}

/**
 * Opens the connection the option names. A URL gets an ioredis client that reconnects by itself with a
 * capped backoff and never fails a command for want of a connection (`maxRetriesPerRequest: null`), so a
 * Redis restart pauses the work instead of losing it.
 */
export function openConnection(connection: RedisConnection | undefined): OpenedConnection {
  if (connection instanceof Redis) return { redis: connection, owned: false, close: async () => {} };
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

/** The key whose time to live is the fleet's pause after a 429 (set by a worker, read before each submit). */
export const pauseKey = (queue: string) => `${keyPrefix}:${queue}:decart:pause`;
