import { type Emulator, startEmulator } from "@decart/emulator";
import { type RedisServer, startRedisServer } from "@decart/test-server/redis";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTokenHandler, type TokenHandler, type TokenRateLimit } from "./handler";

let emulator: Emulator;
let redisServer: RedisServer;
const clients: Redis[] = [];

/** One instance of the app: its own handler and its own Redis connection, sharing only the store. */
async function instance(rateLimit: Omit<TokenRateLimit, "redis">): Promise<TokenHandler> {
  // No offline queue: a command while Redis is down fails at once instead of waiting for a reconnect.
  const redis = new Redis({
    host: "127.0.0.1",
    port: redisServer.port,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    lazyConnect: true,
  });
  redis.on("error", () => {});
  clients.push(redis);
  await redis.connect();
  return createTokenHandler({
    apiKey: emulator.apiKey,
    baseUrl: emulator.url,
    authorize: (request) => ({ subject: request.headers.get("x-user") ?? "nobody" }),
    rateLimit: { ...rateLimit, redis },
  });
}

const mint = (handler: TokenHandler, user: string) =>
  handler(new Request("http://app.local/api/decart-token", { method: "POST", headers: { "x-user": user } }));

beforeAll(async () => {
  redisServer = await startRedisServer();
  emulator = await startEmulator();
}, 30_000);
afterAll(async () => {
  for (const client of clients) client.disconnect();
  await redisServer.close();
  await emulator.close();
});

describe("token limits kept in Redis", () => {
  it("are shared by two instances", async () => {
    const first = await instance({ points: 2, duration: 600, keyPrefix: "tokens-test" });
    const second = await instance({ points: 2, duration: 600, keyPrefix: "tokens-test" });
    expect((await mint(first, "alice")).status).toBe(200);
    expect((await mint(second, "alice")).status).toBe(200);
    for (const handler of [first, second]) {
      const refused = await mint(handler, "alice");
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    expect((await mint(second, "bob")).status).toBe(200);
  });

  it("refuse with 503 rather than minting when Redis is down", async () => {
    const handler = await instance({ points: 100, keyPrefix: "down-test" });
    await redisServer.kill("SIGTERM");
    const response = await mint(handler, "alice");
    expect(response.status).toBe(503);
    expect(((await response.json()) as { code: string }).code).toBe("LIMITER_UNAVAILABLE");
    expect(response.headers.get("retry-after")).toBe("5");
  });
});
