import { type Emulator, startEmulator } from "@decart/emulator";
import { type RedisServer, startRedisServer } from "@decart/test-server/redis";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProxyHandler, type ProxyHandler } from "./handler";
import type { ProxyLimits } from "./limits";

const secret = "redis-test-secret-0123456789abcdef";
let emulator: Emulator;
let redisServer: RedisServer;
const clients: Redis[] = [];

async function redisClient(): Promise<Redis> {
  // No offline queue: a command while Redis is down fails at once instead of waiting for a reconnect.
  const client = new Redis({
    host: "127.0.0.1",
    port: redisServer.port,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    lazyConnect: true,
  });
  client.on("error", () => {});
  clients.push(client);
  await client.connect();
  return client;
}

/** One instance of the app: its own handler and its own Redis connection, sharing only the store. */
async function instance(limits: ProxyLimits): Promise<ProxyHandler> {
  const redis = await redisClient();
  return createProxyHandler({
    apiKey: emulator.apiKey,
    baseUrl: emulator.url,
    secret,
    authorize: (request) => ({ subject: request.headers.get("x-user") ?? "nobody" }),
    limits: { ...limits, redis },
  });
}

const statusOf = (handler: ProxyHandler, user: string, jobId = "unknown") =>
  handler(new Request(`http://app.local/v1/jobs/${jobId}`, { headers: { "x-user": user } }));

function submit(handler: ProxyHandler, user: string): Promise<Response> {
  const body = new FormData();
  body.set("prompt", "Rain on a window");
  body.set("resolution", "480p");
  return handler(
    new Request("http://app.local/v1/jobs/lucy-pro-t2v", {
      method: "POST",
      body,
      headers: { "x-user": user },
    }),
  );
}

beforeAll(async () => {
  redisServer = await startRedisServer();
  emulator = await startEmulator();
}, 30_000);
afterAll(async () => {
  for (const client of clients) client.disconnect();
  await redisServer.close();
  await emulator.close();
});

describe("limits kept in Redis", () => {
  it("are shared by two instances: the request limit holds across them", async () => {
    const limits: ProxyLimits = {
      requests: { points: 3, duration: 600 },
      concurrentJobs: false,
      keyPrefix: "requests-test",
    };
    const first = await instance(limits);
    const second = await instance(limits);
    expect((await statusOf(first, "alice")).status).toBe(404);
    expect((await statusOf(second, "alice")).status).toBe(404);
    expect((await statusOf(first, "alice")).status).toBe(404);
    for (const handler of [second, first]) {
      const refused = await statusOf(handler, "alice");
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    expect((await statusOf(second, "bob")).status).toBe(404);
  });

  it("share job slots: a job submitted on one instance holds the slot on the other until it is cancelled there", async () => {
    const limits: ProxyLimits = { concurrentJobs: 1, keyPrefix: "jobs-test" };
    const first = await instance(limits);
    const second = await instance(limits);
    const submitted = await submit(first, "alice");
    expect(submitted.status).toBe(200);
    const { job_id } = (await submitted.json()) as { job_id: string };
    const refused = await submit(second, "alice");
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("5");
    const cancelled = await second(
      new Request(`http://app.local/v1/jobs/${job_id}/cancel`, {
        method: "POST",
        headers: { "x-user": "alice" },
      }),
    );
    expect(cancelled.status).toBe(200);
    await cancelled.arrayBuffer();
    const again = await submit(first, "alice");
    expect(again.status).toBe(200);
    const { job_id: next } = (await again.json()) as { job_id: string };
    await first(
      new Request(`http://app.local/v1/jobs/${next}/cancel`, {
        method: "POST",
        headers: { "x-user": "alice" },
      }),
    );
  }, 60_000);

  it("refuses with 503 rather than letting requests through when Redis is down", async () => {
    const handler = await instance({ requests: { points: 100, duration: 60 }, keyPrefix: "down-test" });
    await redisServer.kill("SIGTERM");
    const response = await statusOf(handler, "alice");
    expect(response.status).toBe(503);
    expect(((await response.json()) as { code: string }).code).toBe("LIMITER_UNAVAILABLE");
  });
});
