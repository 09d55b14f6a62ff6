import { describe, expect, it } from "vitest";
import { createProxyLimiter } from "./limits";

describe("createProxyLimiter job slots", () => {
  it("a job that ends after its window reset gives back no extra slot", async () => {
    const limiter = createProxyLimiter({ concurrentJobs: 2, jobTimeout: 1, requests: false });
    expect(await limiter.takeJob("alice")).toBeUndefined();
    expect(await limiter.takeJob("alice")).toBeUndefined();
    expect(await limiter.takeJob("alice")).toMatchObject({ status: 429 });
    // The window (jobTimeout) runs out while both jobs still run; they end afterwards.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await limiter.jobEnded("alice", "job-1");
    await limiter.jobEnded("alice", "job-2");
    await limiter.giveBackJob("alice");
    expect(await limiter.takeJob("alice")).toBeUndefined();
    expect(await limiter.takeJob("alice")).toBeUndefined();
    expect(await limiter.takeJob("alice")).toMatchObject({ status: 429 });
  });
});
