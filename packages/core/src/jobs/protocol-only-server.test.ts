import type { RecordedRequest, Reply } from "@decart/test-server";
import { describe, expect, test } from "vitest";
import { InvalidInputError, ModelNotFoundError, ProcessingError } from "../errors/index";
import type { ProgressEvent } from "../model/index";
import { errorBody, routes } from "../protocol/index";
import { MP4, testVideoModel, useTestClient } from "../test-support/index";

// A server that speaks only what the real API is known to speak: `{"detail": ...}` error bodies without
// `code`, no `progress`, no cancel route, no Idempotency-Key handling. It counts the jobs it creates.
const { server, clientFor } = useTestClient();

const strict = (message: string): object => errorBody({ message }, { extensions: false });

/** The submit route: every request that reaches `accept` creates a job, whatever happens next. */
function submissions(...outcomes: Array<"accept" | "accept-then-reset" | Reply>) {
  const jobs: string[] = [];
  const received: RecordedRequest[] = [];
  server.route(
    `POST ${routes.submit(testVideoModel.name)}`,
    ...outcomes.map((outcome) => (request: RecordedRequest): Reply => {
      received.push(request);
      if (typeof outcome === "object") return outcome;
      const jobId = `job_abc${jobs.length + 1}`;
      jobs.push(jobId);
      return outcome === "accept" ? { body: { job_id: jobId, status: "pending" } } : { reset: true };
    }),
  );
  return { jobs, received };
}

function occurrences(text: string, part: string): number {
  return text.split(part).length - 1;
}

describe("against a server that speaks only the documented protocol", () => {
  test("completes through unknown statuses, a reset while polling and a download cut short, with one job", async () => {
    const created = submissions("accept");
    server.route(
      `GET ${routes.status("job_abc1")}`,
      { body: { job_id: "job_abc1", status: "pending" } },
      { body: { job_id: "job_abc1", status: "queued" } },
      { body: { job_id: "job_abc1", status: "queued" } },
      { reset: true },
      { body: { job_id: "job_abc1", status: "processing" } },
      { body: { job_id: "job_abc1", status: "completed" } },
    );
    server.route(
      `GET ${routes.content("job_abc1")}`,
      { body: MP4, type: "video/mp4", truncate: true },
      { body: MP4, type: "video/mp4" },
    );
    server.route(`POST ${routes.cancel("job_abc1")}`, { status: 404, body: strict("Not Found") });

    const events: ProgressEvent[] = [];
    const video = await clientFor().process({
      model: testVideoModel,
      prompt: "A lighthouse at dawn",
      onProgress: (event) => events.push(event),
    });

    expect(new Uint8Array(await video.arrayBuffer())).toEqual(MP4);
    expect(video.type).toBe("video/mp4");
    expect(events.map((event) => event.status)).toEqual(["pending", "queued", "processing", "completed"]);
    expect(created.jobs).toEqual(["job_abc1"]);
    expect(server.requestsTo(`GET ${routes.content("job_abc1")}`)).toHaveLength(2);
    expect(server.requestsTo(`POST ${routes.cancel("job_abc1")}`)).toHaveLength(0);
    // The request carries only what was asked: the key, the User-Agent and the inputs.
    const [submit] = created.received;
    expect(submit?.headers["idempotency-key"]).toBeUndefined();
    expect(Object.keys(submit?.headers ?? {}).filter((name) => name.startsWith("x-"))).toEqual(["x-api-key"]);
    expect([...(submit?.form?.keys() ?? [])]).toEqual(["prompt"]);
  });

  test("a reset after the server accepted the job fails the call without a second submission", async () => {
    const created = submissions("accept-then-reset", "accept");
    const error = await clientFor()
      .process({ model: testVideoModel, prompt: "x" })
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(ProcessingError);
    expect(error.code).toBe("NETWORK_ERROR");
    expect(created.jobs).toEqual(["job_abc1"]);
    expect(created.received).toHaveLength(1);
  });

  test("a 503 before any job was created is retried, still creating one job", async () => {
    const created = submissions({ status: 503, body: strict("Service Unavailable") }, "accept");
    server.route(`GET ${routes.status("job_abc1")}`, { body: { job_id: "job_abc1", status: "completed" } });
    server.route(`GET ${routes.content("job_abc1")}`, { body: MP4, type: "video/mp4" });
    await clientFor().process({ model: testVideoModel, prompt: "x" });
    expect(created.received).toHaveLength(2);
    expect(created.jobs).toEqual(["job_abc1"]);
  });

  test("shows each detail message once", async () => {
    const said = "Invalid inputs for test-i2v: prompt is too long";
    submissions({ status: 422, body: strict(said) });
    const named = await clientFor()
      .process({ model: testVideoModel, prompt: "x" })
      .catch((caught) => caught);
    expect(named).toBeInstanceOf(InvalidInputError);
    expect(named.message).toBe(said);

    submissions({ status: 400, body: strict("Prompt is too long: 1200 characters, at most 1000") });
    const plain = await clientFor()
      .process({ model: testVideoModel, prompt: "x" })
      .catch((caught) => caught);
    expect(plain.message).toBe(
      "Invalid inputs for test-i2v: Prompt is too long: 1200 characters, at most 1000",
    );

    submissions({
      status: 422,
      body: { detail: [{ loc: ["body", "data"], msg: "Field required", type: "missing" }] },
    });
    const list = await clientFor()
      .process({ model: testVideoModel, prompt: "x" })
      .catch((caught) => caught);
    expect(list.message).toBe("Invalid inputs for test-i2v: data: Field required");
    expect(list.issues).toEqual([{ field: "data", message: "data: Field required" }]);

    submissions({ status: 404, body: strict("Model not found") });
    const missing = await clientFor()
      .process({ model: testVideoModel, prompt: "x" })
      .catch((caught) => caught);
    expect(missing).toBeInstanceOf(ModelNotFoundError);
    expect(occurrences(missing.message, "Model not found")).toBe(1);

    for (const error of [named, plain, list, missing]) {
      expect(occurrences(error.message, "Invalid inputs")).toBeLessThanOrEqual(1);
      expect(error.code).not.toBe("SDK_ERROR");
    }
  });

  test("a failed job without a reason ends as JOB_FAILED", async () => {
    submissions("accept");
    server.route(`GET ${routes.status("job_abc1")}`, { body: { job_id: "job_abc1", status: "failed" } });
    const error = await clientFor()
      .process({ model: testVideoModel, prompt: "x" })
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(ProcessingError);
    expect(error).toMatchObject({ code: "JOB_FAILED", jobId: "job_abc1", message: "Job job_abc1 failed" });
  });
});
