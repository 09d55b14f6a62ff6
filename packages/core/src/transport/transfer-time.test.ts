import { describe, expect, test } from "vitest";
import { TimeoutError } from "../errors/index";
import { testVideoModel, useTestClient } from "../test-support/index";

const { server, clientFor } = useTestClient();

/** Bytes that take about 300 ms through the server's pacing below, far above 64 KiB/s. */
const large = new Uint8Array(512 * 1024).fill(7);

describe("the request timeout and large transfers", () => {
  test("an upload slower than the timeout but faster than 64 KiB/s is not cut off", async () => {
    // The server reads the 512 KiB body a chunk every 25 ms: about 300 ms before it answers.
    server.route("POST /v1/jobs/test-i2v", { body: { job_id: "job-up", status: "pending" }, readPace: 25 });
    const job = await clientFor({ timeout: 150 }).queue.submit({
      model: testVideoModel,
      prompt: "x",
      data: new Blob([large]),
    });
    expect(job.job_id).toBe("job-up");
    expect(server.requestsTo("POST /v1/jobs/test-i2v")).toHaveLength(1);
  });

  test("a download slower than the timeout but faster than 64 KiB/s is not cut off", async () => {
    // 512 KiB in 32 KiB chunks 20 ms apart: about 320 ms, at some 1.6 MB/s.
    server.route("GET /v1/jobs/job-down/content", {
      body: large,
      type: "video/mp4",
      drip: { body: 20, bytes: 32 * 1024 },
    });
    const result = await clientFor({ timeout: 150, retry: 0 }).queue.result("job-down");
    expect(result.size).toBe(large.byteLength);
  });

  test("a small body that trickles still times out at the plain timeout", async () => {
    server.route("GET /v1/jobs/job-slow/content", {
      body: new Uint8Array(320).fill(1),
      type: "video/mp4",
      drip: { body: 25 },
    });
    const error = await clientFor({ timeout: 150, retry: 0 })
      .queue.result("job-slow")
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toMatch(
      /did not finish within 155 ms \(the 150 ms request timeout, and 320 bytes at 64 KiB\/s\)/,
    );
  });
});
