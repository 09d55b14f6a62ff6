import { describe, expect, test } from "vitest";
import {
  DecartSDKError,
  InvalidAPIKeyError,
  InvalidInputError,
  ProcessingError,
  TimeoutError,
} from "../errors/index";
import { testVideoModel, useTestClient } from "../test-support/index";

const { server, clientFor, routeJob } = useTestClient();

describe("callbacks", () => {
  test("an onProgress that throws rejects the call with its error and cancels the job", async () => {
    routeJob("job-cb", { status: "processing" });
    server.route("POST /v1/jobs/job-cb/cancel", { body: { job_id: "job-cb", status: "cancelled" } });
    const bug = new Error("callback bug");
    const error = await clientFor()
      .process({
        model: testVideoModel,
        prompt: "x",
        onProgress: (event) => {
          if (event.status === "processing") throw bug;
        },
      })
      .catch((caught) => caught);
    expect(error).toBe(bug);
    await server.waitFor((request) => request.path === "/v1/jobs/job-cb/cancel");
  });

  test("an onProgress that throws on its first call (the submission's report) cancels the job", async () => {
    for (const throwing of [false, true]) {
      server.reset();
      routeJob("job-first", { status: "processing" });
      server.route("POST /v1/jobs/job-first/cancel", { body: { job_id: "job-first", status: "cancelled" } });
      const bug = throwing ? new InvalidInputError("an SDK error thrown by the callback") : new Error("bug");
      const error = await clientFor()
        .process({
          model: testVideoModel,
          prompt: "x",
          onProgress: () => {
            throw bug;
          },
        })
        .catch((caught) => caught);
      expect(error).toBe(bug);
      await server.waitFor((request) => request.path === "/v1/jobs/job-first/cancel");
      expect(server.requestsTo("GET /v1/jobs/job-first")).toHaveLength(0);
    }
  });

  test("a plugin hook that throws after the submission cancels the job, with an SDK error", async () => {
    routeJob("job-hook", { status: "processing" });
    server.route("POST /v1/jobs/job-hook/cancel", { body: { job_id: "job-hook", status: "cancelled" } });
    const bug = new TypeError("plugin bug");
    const error = await clientFor({
      plugins: [
        {
          afterResponse({ request }) {
            if (request.method === "GET") throw bug;
          },
        },
      ],
    })
      .process({ model: testVideoModel, prompt: "x" })
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(DecartSDKError);
    expect(error.cause).toBe(bug);
    expect(error.message).toMatch(/failed in a plugin hook: plugin bug$/);
    expect(error.jobId).toBe("job-hook");
    await server.waitFor((request) => request.path === "/v1/jobs/job-hook/cancel");
  });

  test("queue.submitAndPoll cancels the job when its onProgress throws", async () => {
    routeJob("job-sap", { status: "processing" });
    server.route("POST /v1/jobs/job-sap/cancel", { body: { job_id: "job-sap", status: "cancelled" } });
    const bug = new Error("bug");
    const error = await clientFor()
      .queue.submitAndPoll({
        model: testVideoModel,
        prompt: "x",
        onProgress: () => {
          throw bug;
        },
      })
      .catch((caught) => caught);
    expect(error).toBe(bug);
    await server.waitFor((request) => request.path === "/v1/jobs/job-sap/cancel");
  });

  test("errors after the submission carry the job id", async () => {
    routeJob("job-fail", { status: "failed", error: "out of memory" });
    const failed = await clientFor()
      .process({ model: testVideoModel, prompt: "x" })
      .catch((caught) => caught);
    expect(failed).toMatchObject({ code: "JOB_FAILED", jobId: "job-fail" });
    server.reset();
    server.route("POST /v1/jobs/test-i2v", { body: { job_id: "job-500", status: "pending" } });
    server.route("GET /v1/jobs/job-500", { status: 500 });
    const polling = await clientFor()
      .process({ model: testVideoModel, prompt: "x" })
      .catch((caught) => caught);
    expect(polling).toBeInstanceOf(ProcessingError);
    expect(polling.jobId).toBe("job-500");
    routeJob("job-slow2", { status: "processing" });
    const late = await clientFor()
      .process({ model: testVideoModel, prompt: "x", deadline: 100 })
      .catch((caught) => caught);
    expect(late).toBeInstanceOf(TimeoutError);
    expect(late.jobId).toBe("job-slow2");
  });

  test("a transport failure while polling leaves the job running", async () => {
    server.route("POST /v1/jobs/test-i2v", { body: { job_id: "job-keep", status: "pending" } });
    server.route("GET /v1/jobs/job-keep", {
      status: 401,
      body: { error: { code: "UNAUTHORIZED", message: "expired" } },
    });
    await expect(clientFor().process({ model: testVideoModel, prompt: "x" })).rejects.toBeInstanceOf(
      InvalidAPIKeyError,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.requestsTo("POST /v1/jobs/job-keep/cancel")).toHaveLength(0);
  });
});
