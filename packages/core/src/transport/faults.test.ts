/**
 * Fault injection: each case points a fresh Node process at a loopback server that misbehaves on cue
 * (storms, resets mid-body, truncation, drips, wrong shapes, unknown statuses, Retry-After extremes).
 * The child runs one call against the bundled sources and prints how it settled; it must then exit by
 * itself (a leaked timer or socket would hold it until the bound). The parent checks the outcome: a
 * result, or an SDK error of the expected class, and that no job was submitted twice.
 */
import { type Reply, type Script, startTestServer, type TestServer } from "@decart/test-server";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { MP4, PNG, useChildScript } from "../test-support/index";

let server: TestServer;

const child = `
import * as core from "./core.mjs";
const { createDecartClient, isDecartError } = core;
// The SDK's error classes the error is an instance of, by their export names.
const classesOf = (error) => Object.entries(core)
  .filter(([name, value]) => /Error$/.test(name) && typeof value === "function" && error instanceof value)
  .map(([name]) => name);
const spec = JSON.parse(process.argv[2]);
const schema = { "~standard": { version: 1, vendor: "test", validate: (value) => ({ value }) } };
const model = { name: spec.model, kind: spec.kind, task: spec.kind === "image" ? "text-to-image" : "text-to-video",
  endpoints: { generate: "/v1/generate/" + spec.model, jobs: "/v1/jobs/" + spec.model },
  inputs: schema, fileFields: {}, outputType: "", geometry: {} };
const client = createDecartClient({ apiKey: "k", baseUrl: process.env.BASE_URL, timeout: spec.timeout ?? 5000,
  retry: { limit: 2, baseDelay: 5, maxDelay: 20, maxRetryAfter: 200 },
  polling: { initialDelay: 0, interval: 5, maxInterval: 10 } });
try {
  const blob = await client.process({ model, prompt: "x", deadline: spec.deadline });
  console.log(JSON.stringify({ outcome: "resolved", size: blob.size }));
} catch (error) {
  console.log(JSON.stringify({ outcome: "rejected", sdk: isDecartError(error), classes: classesOf(error), code: error?.code,
    message: String(error?.message).slice(0, 300) }));
}
`;
const faultChild = useChildScript("decart-core-faults-", child);

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

/** Where a case's requests go: a model and job of its own, so cases can share one server. */
interface Paths {
  generate: string;
  submit: string;
  status: string;
  content: string;
  cancel: string;
  jobId: string;
}

interface FaultCase {
  name: string;
  kind?: "image" | "video";
  /** Replies per route; routes left out answer normally (a pending job, completed on the first poll). */
  routes: (paths: Paths) => Partial<Record<keyof Omit<Paths, "jobId">, Script[]>>;
  /** `resolved`, or the SDK error class expected (its export name, and its code when it matters). */
  expected: "resolved" | { name: string; code?: string };
  deadline?: number;
  timeout?: number;
}

const json = (body: object, extra: Reply = {}): Reply => ({ body, ...extra });
const pending = (jobId: string) => json({ job_id: jobId, status: "pending" });
const completed = (jobId: string) => json({ job_id: jobId, status: "completed" });
const html = (status: number): Reply => ({
  status,
  body: "<html><head><title>Bad gateway</title></head><body>upstream</body></html>",
  type: "text/html",
});
const storm = (status: number, headers: Record<string, string> = {}): Reply => ({
  status,
  headers,
  body: { detail: "busy" },
});
const video = { body: new Uint8Array(4096).map((_, index) => index % 256), type: "video/mp4" } as const;
const processing = { name: "ProcessingError" };

const cases: FaultCase[] = [
  // Submission: retried only where the server provably created no job.
  { name: "submit: a 503 storm", routes: () => ({ submit: [storm(503)] }), expected: processing },
  {
    name: "submit: two 503s, then accepted",
    routes: (p) => ({ submit: [storm(503), storm(503), pending(p.jobId)] }),
    expected: "resolved",
  },
  {
    name: "submit: 429 with Retry-After 0, then accepted",
    routes: (p) => ({ submit: [storm(429, { "retry-after": "0" }), pending(p.jobId)] }),
    expected: "resolved",
  },
  {
    name: "submit: 429 with Retry-After beyond maxRetryAfter",
    routes: () => ({ submit: [storm(429, { "retry-after": "999999999" })] }),
    expected: { name: "RateLimitError" },
  },
  {
    name: "submit: 429 with a Retry-After date far in the future",
    routes: () => ({ submit: [storm(429, { "retry-after": "Fri, 31 Dec 9999 23:59:59 GMT" })] }),
    expected: { name: "RateLimitError" },
  },
  {
    name: "submit: 503 with an unreadable Retry-After, then accepted",
    routes: (p) => ({ submit: [storm(503, { "retry-after": "soon" }), pending(p.jobId)] }),
    expected: "resolved",
  },
  {
    name: "submit: 503 with a negative Retry-After, then accepted",
    routes: (p) => ({ submit: [storm(503, { "retry-after": "-5" }), pending(p.jobId)] }),
    expected: "resolved",
  },
  {
    name: "submit: the connection is reset after the body arrived",
    routes: () => ({ submit: [{ reset: true }] }),
    expected: { name: "ProcessingError", code: "NETWORK_ERROR" },
  },
  {
    name: "submit: the answer is truncated",
    routes: (p) => ({ submit: [{ ...pending(p.jobId), truncate: true }] }),
    expected: processing,
  },
  {
    name: "submit: 200 with a body that is not JSON",
    routes: () => ({ submit: [{ body: "ok!", type: "application/json" }] }),
    expected: { name: "ProcessingError", code: "UNREADABLE_RESPONSE" },
  },
  {
    name: "submit: 200 with JSON of the wrong shape",
    routes: () => ({ submit: [json({ id: 1 })] }),
    expected: { name: "ProcessingError", code: "UNREADABLE_RESPONSE" },
  },
  {
    name: "submit: 200 with a JSON array",
    routes: () => ({ submit: [json([1, 2])] }),
    expected: { name: "ProcessingError", code: "UNREADABLE_RESPONSE" },
  },
  { name: "submit: an HTML 502 page", routes: () => ({ submit: [html(502)] }), expected: processing },
  { name: "submit: unknown status 418", routes: () => ({ submit: [storm(418)] }), expected: processing },
  { name: "submit: unknown status 599", routes: () => ({ submit: [storm(599)] }), expected: processing },
  {
    name: "submit: 401",
    routes: () => ({ submit: [{ status: 401, body: { detail: "bad key" } }] }),
    expected: { name: "InvalidAPIKeyError" },
  },
  {
    name: "submit: 422 with FastAPI's list form",
    routes: () => ({
      submit: [
        {
          status: 422,
          body: { detail: [{ loc: ["body", "prompt"], msg: "too long", type: "value_error" }] },
        },
      ],
    }),
    expected: { name: "InvalidInputError" },
  },
  {
    name: "submit: a redirect",
    routes: () => ({ submit: [{ status: 307, headers: { location: "/elsewhere" } }] }),
    expected: processing,
  },
  {
    name: "submit: headers dripped past the request timeout",
    routes: (p) => ({ submit: [{ ...pending(p.jobId), drip: { headers: 150 } }] }),
    timeout: 300,
    expected: { name: "TimeoutError" },
  },
  {
    name: "submit: headers dripped within the request timeout",
    routes: (p) => ({ submit: [{ ...pending(p.jobId), drip: { headers: 5 } }] }),
    expected: "resolved",
  },
  {
    name: "submit: the job is already completed",
    routes: (p) => ({ submit: [completed(p.jobId)] }),
    expected: "resolved",
  },
  // Polling: reads retry, and an unknown status keeps polling.
  { name: "status: a 503 storm", routes: () => ({ status: [storm(503)] }), expected: processing },
  {
    name: "status: reset once, then answered",
    routes: (p) => ({ status: [{ reset: true }, completed(p.jobId)] }),
    expected: "resolved",
  },
  {
    name: "status: truncated once, then answered",
    routes: (p) => ({ status: [{ ...completed(p.jobId), truncate: true }, completed(p.jobId)] }),
    expected: "resolved",
  },
  {
    name: "status: truncated every time",
    routes: (p) => ({ status: [{ ...completed(p.jobId), truncate: true }] }),
    expected: { name: "ProcessingError", code: "NETWORK_ERROR" },
  },
  {
    name: "status: JSON that does not parse",
    routes: () => ({ status: [{ body: '{"status": "compl', type: "application/json" }] }),
    expected: { name: "ProcessingError", code: "UNREADABLE_RESPONSE" },
  },
  {
    name: "status: an empty body",
    routes: () => ({ status: [{ body: "", type: "application/json" }] }),
    expected: { name: "ProcessingError", code: "UNREADABLE_RESPONSE" },
  },
  {
    name: "status: JSON without a status",
    routes: () => ({ status: [json({ hello: "world" })] }),
    expected: { name: "ProcessingError", code: "UNREADABLE_RESPONSE" },
  },
  {
    name: "status: unknown statuses, then completed",
    routes: (p) => ({
      status: [
        json({ job_id: p.jobId, status: "warming_up" }),
        json({ job_id: p.jobId, status: "QUEUED" }),
        completed(p.jobId),
      ],
    }),
    expected: "resolved",
  },
  {
    name: "status: an unknown status forever, under a deadline",
    routes: (p) => ({ status: [json({ job_id: p.jobId, status: "limbo" })] }),
    deadline: 300,
    expected: { name: "TimeoutError" },
  },
  {
    name: "status: a progress that is not a number",
    routes: (p) => ({
      status: [json({ job_id: p.jobId, status: "processing", progress: "half" }), completed(p.jobId)],
    }),
    expected: "resolved",
  },
  {
    name: "status: Retry-After of a billion seconds on a 200, under a deadline",
    routes: (p) => ({
      status: [json({ job_id: p.jobId, status: "processing" }, { headers: { "retry-after": "1000000000" } })],
    }),
    deadline: 300,
    expected: { name: "TimeoutError" },
  },
  {
    name: "status: headers dripped past the timeout once, then answered",
    // Header lines 5 s apart against a 2 s timeout: the first attempt cannot finish, while the retry's
    // prompt answer has ample room on a loaded machine.
    routes: (p) => ({ status: [{ ...completed(p.jobId), drip: { headers: 5_000 } }, completed(p.jobId)] }),
    timeout: 2_000,
    expected: "resolved",
  },
  {
    name: "status: 404",
    routes: () => ({ status: [{ status: 404, body: { detail: "no such job" } }] }),
    expected: processing,
  },
  {
    name: "status: the job failed",
    routes: (p) => ({ status: [json({ job_id: p.jobId, status: "failed", error: "out of memory" })] }),
    expected: { name: "ProcessingError", code: "JOB_FAILED" },
  },
  {
    name: "status: the job was cancelled (the emulator's faithful form)",
    routes: (p) => ({ status: [json({ job_id: p.jobId, status: "failed", cancelled: true })] }),
    expected: { name: "ProcessingError", code: "JOB_CANCELLED" },
  },
  // The download: reads after the headers are retried.
  {
    name: "content: truncated once, then whole",
    routes: () => ({ content: [{ ...video, truncate: true }, video] }),
    expected: "resolved",
  },
  {
    name: "content: reset once, then whole",
    routes: () => ({ content: [{ reset: true }, video] }),
    expected: "resolved",
  },
  {
    name: "content: stalled mid-body past the timeout once, then whole",
    // The rest of the body would come long after the 2 s timeout; the retry's whole body has ample room.
    routes: () => ({ content: [{ ...video, pauseMidBody: 60_000 }, video] }),
    timeout: 2_000,
    expected: "resolved",
  },
  {
    name: "content: dripped past the timeout every time",
    routes: () => ({ content: [{ ...video, drip: { body: 20 } }] }),
    timeout: 300,
    expected: { name: "TimeoutError" },
  },
  {
    name: "content: dripped within the timeout",
    routes: () => ({ content: [{ body: MP4, type: "video/mp4", drip: { body: 5 } }] }),
    expected: "resolved",
  },
  { name: "content: a 503 storm", routes: () => ({ content: [storm(503)] }), expected: processing },
  {
    name: "content: 502, then whole",
    routes: () => ({ content: [html(502), video] }),
    expected: "resolved",
  },
  // The sync endpoint.
  {
    name: "generate: 503, then an image",
    kind: "image",
    routes: () => ({ generate: [storm(503), { body: PNG, type: "image/png" }] }),
    expected: "resolved",
  },
  {
    name: "generate: the image is truncated",
    kind: "image",
    routes: () => ({ generate: [{ body: PNG, type: "image/png", truncate: true }] }),
    expected: { name: "ProcessingError", code: "NETWORK_ERROR" },
  },
  {
    name: "generate: an HTML 500 page",
    kind: "image",
    routes: () => ({ generate: [html(500)] }),
    expected: processing,
  },
  {
    name: "generate: headers dripped past the timeout",
    kind: "image",
    routes: () => ({ generate: [{ body: PNG, type: "image/png", drip: { headers: 150 } }] }),
    timeout: 300,
    expected: { name: "TimeoutError" },
  },
];

/** Wraps a route's replies to count the submissions that may have created a job (all but 429 and 503). */
function counted(scripts: Script[], onCreated: () => void): Script[] {
  return scripts.map((script) => async (request) => {
    const reply = typeof script === "function" ? await script(request) : script;
    if (reply.status !== 429 && reply.status !== 503) onCreated();
    return reply;
  });
}

describe.concurrent("fault injection, one child process per case", () => {
  cases.forEach((fault, index) => {
    test(fault.name, async () => {
      const model = `fault-${index}`;
      const jobId = `fault-job-${index}`;
      const paths: Paths = {
        generate: `POST /v1/generate/${model}`,
        submit: `POST /v1/jobs/${model}`,
        status: `GET /v1/jobs/${jobId}`,
        content: `GET /v1/jobs/${jobId}/content`,
        cancel: `POST /v1/jobs/${jobId}/cancel`,
        jobId,
      };
      const scripted = fault.routes(paths);
      let created = 0;
      const routes: Record<keyof Omit<Paths, "jobId">, Script[]> = {
        generate: [{ body: PNG, type: "image/png" }],
        submit: [pending(jobId)],
        status: [completed(jobId)],
        content: [{ body: MP4, type: "video/mp4" }],
        cancel: [json({ job_id: jobId, status: "cancelled" })],
        ...scripted,
      };
      routes.submit = counted(routes.submit, () => created++);
      for (const [route, scripts] of Object.entries(routes))
        server.route(paths[route as keyof Paths], ...scripts);
      const spec = { model, kind: fault.kind ?? "video", deadline: fault.deadline, timeout: fault.timeout };
      const run = await faultChild.run([JSON.stringify(spec)], { BASE_URL: server.url }, 15_000);
      expect(run.killed, `the child did not exit by itself: ${run.stdout} ${run.stderr}`).toBe(false);
      expect(run.code, run.stderr).toBe(0);
      const outcome = JSON.parse(run.stdout.split("\n").pop() ?? "{}");
      if (fault.expected === "resolved") {
        expect(outcome).toMatchObject({ outcome: "resolved" });
      } else {
        const { name, ...code } = fault.expected;
        expect(outcome).toMatchObject({ outcome: "rejected", sdk: true, ...code });
        expect(outcome.classes).toContain(name);
      }
      expect(created).toBeLessThanOrEqual(1);
    });
  });
});
