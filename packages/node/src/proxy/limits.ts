import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from "rate-limiter-flexible";

/**
 * Limits per subject (the `subject` your `authorize` returns, or the client's address otherwise), counted
 * by `rate-limiter-flexible`: in this process's memory by default, in Redis with `redis` so that every
 * instance of the app shares them. A refusal is a 429 with `Retry-After`, which the SDK honours.
 */
export interface ProxyLimits {
  /**
   * Requests (every route, polls included) allowed per `duration` seconds; `false` for no limit.
   * @default { points: 300, duration: 60 }
   */
  requests?:
    | {
        /** Requests allowed in one window. */
        points: number;
        /** Length of the window, in seconds. */
        duration: number;
      }
    | false;
  /**
   * Jobs a subject may have running at once: a submitted job holds a slot until a status poll sees it
   * end, it is cancelled or its result is downloaded (or `jobTimeout` passes); a sync generation holds one
   * while it runs. `false` for no limit.
   * @default 4
   */
  concurrentJobs?: number | false;
  /** Seconds after which a job that was never seen to end gives its slot back. @default 3600 */
  jobTimeout?: number;
  /**
   * A connected Redis client (`ioredis`, or `redis` v4+) to keep the counts in, shared by every instance.
   * When Redis fails, requests are refused with 503 rather than let through.
   * @default counts kept in this process's memory
   */
  redis?: object;
  /** Prefix of the limiter keys, to keep several apps apart in one store. @default "decart-proxy" */
  keyPrefix?: string;
}

/** Why a request was refused: answered as 429 (over a limit) or 503 (the store failed). */
export interface LimitRefusal {
  status: 429 | 503;
  message: string;
  retryAfter?: number;
}

/** The limits of one handler, bound to their store. */
export interface ProxyLimiter {
  /** Counts one request of `subject`. */
  takeRequest(subject: string): Promise<LimitRefusal | undefined>;
  /** Takes a job slot of `subject`. */
  takeJob(subject: string): Promise<LimitRefusal | undefined>;
  /** Gives back a slot taken by {@link ProxyLimiter.takeJob} for a job that did not start. */
  giveBackJob(subject: string): Promise<void>;
  /** Gives back the slot of job `jobId` the first time its end is seen, on whichever instance. */
  jobEnded(subject: string, jobId: string): Promise<void>;
}

/** Retry-After of a full job slot count: a slot frees when a job ends, not at a known time. */
const jobSlotRetryAfter = 5;

export function createProxyLimiter(limits: ProxyLimits = {}): ProxyLimiter {
  const prefix = limits.keyPrefix ?? "decart-proxy";
  const jobTimeout = limits.jobTimeout ?? 3600;
  const make = (name: string, points: number, duration: number): RateLimiterAbstract =>
    limits.redis
      ? new RateLimiterRedis({ storeClient: limits.redis, keyPrefix: `${prefix}:${name}`, points, duration })
      : new RateLimiterMemory({ keyPrefix: `${prefix}:${name}`, points, duration });
  const requestLimit = limits.requests === undefined ? { points: 300, duration: 60 } : limits.requests;
  const slotCount = limits.concurrentJobs === undefined ? 4 : limits.concurrentJobs;
  const requests = requestLimit ? make("requests", requestLimit.points, requestLimit.duration) : undefined;
  const jobs = slotCount ? make("jobs", slotCount, jobTimeout) : undefined;
  const ended = slotCount ? make("ended", 1, jobTimeout) : undefined;

  return {
    async takeRequest(subject) {
      if (!requests) return undefined;
      return consume(requests, subject, (wait) => ({
        status: 429,
        message: `Too many requests; try again in ${wait} s`,
        retryAfter: wait,
      }));
    },
    async takeJob(subject) {
      if (!jobs) return undefined;
      const refusal = await consume(jobs, subject, () => ({
        status: 429,
        message: `Too many jobs running at once (at most ${slotCount}); try again when one has ended`,
        retryAfter: jobSlotRetryAfter,
      }));
      // A refused consume still counted its point: the slot it did not get must not stay taken.
      if (refusal?.status === 429) await giveBack(jobs, subject);
      return refusal;
    },
    async giveBackJob(subject) {
      if (jobs) await giveBack(jobs, subject);
    },
    async jobEnded(subject, jobId) {
      if (!jobs || !ended) return;
      try {
        await ended.consume(jobId, 1);
      } catch {
        return; // seen before (or the store failed): the slot is not given back twice
      }
      await giveBack(jobs, subject);
    },
  };
}

/**
 * Gives back one job slot of `subject`, never below none taken: once `jobTimeout` has reset the count,
 * a job that ends must not leave an extra slot behind (a count of -1 would let one job more run at once).
 */
async function giveBack(jobs: RateLimiterAbstract, subject: string): Promise<void> {
  try {
    const taken = await jobs.get(subject);
    if (taken && taken.consumedPoints > 0) await jobs.reward(subject, 1);
  } catch {
    // The store failed: the slot comes back when the window ends.
  }
}

async function consume(
  limiter: RateLimiterAbstract,
  key: string,
  refusal: (waitSeconds: number) => LimitRefusal,
): Promise<LimitRefusal | undefined> {
  try {
    await limiter.consume(key, 1);
    return undefined;
  } catch (error) {
    if (error instanceof RateLimiterRes) return refusal(Math.max(1, Math.ceil(error.msBeforeNext / 1000)));
    return {
      status: 503,
      message: "The proxy's rate limiter is unavailable; try again later",
      retryAfter: 5,
    };
  }
}
