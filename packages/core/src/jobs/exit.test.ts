import { startTestServer, type TestServer } from "@decart/test-server";
import { afterAll, beforeAll, expect, test } from "vitest";
import { MP4, PNG, useChildScript } from "../test-support/index";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

const script = `
import { createDecartClient } from "./core.mjs";
const schema = { "~standard": { version: 1, vendor: "test", validate: (value) => ({ value }) } };
const model = (name, kind) => ({ name, kind, endpoints: { generate: "/v1/generate/" + name, jobs: "/v1/jobs/" + name },
  inputs: schema, fileFields: { data: "image" }, outputType: "", geometry: {} });
const client = createDecartClient({ apiKey: "k", baseUrl: process.env.BASE_URL });
const mode = process.argv[2];
if (mode === "abort") {
  const controller = new AbortController();
  const pending = client.process({ model: model("v", "video"), prompt: "x", signal: controller.signal,
    onProgress: (event) => { if (event.status === "processing") controller.abort(); } });
  await pending.catch((error) => console.log("rejected " + error.name));
} else {
  const image = await client.process({ model: model("i", "image"), prompt: "x", data: new Blob([new Uint8Array([1, 2])]) });
  const video = await client.process({ model: model("v", "video"), prompt: "x", deadline: 60000 });
  console.log("done " + image.type + " " + video.type);
  // Every call has settled: no timer of the SDK may still be pending.
  console.log("timers " + process.getActiveResourcesInfo().filter((name) => name === "Timeout").length);
}
`;

const child = useChildScript("decart-core-exit-", script);

async function run(mode: string): Promise<{ output: string; killed: boolean; code: number | null }> {
  // The bound only guards against a hang; a process that exits by itself does so far sooner.
  const result = await child.run([mode], { BASE_URL: server.url }, 20_000);
  const output = [result.stdout, result.stderr].filter(Boolean).join("\n");
  return { output, killed: result.killed, code: result.code };
}

test("a Node process that awaited process() exits by itself, with no timer left", async () => {
  server.route("POST /v1/generate/i", { body: PNG, type: "image/png" });
  server.route("POST /v1/jobs/v", { body: { job_id: "x1", status: "pending" } });
  server.route(
    "GET /v1/jobs/x1",
    { body: { job_id: "x1", status: "processing" } },
    { body: { job_id: "x1", status: "completed" } },
  );
  server.route("GET /v1/jobs/x1/content", { body: MP4, type: "video/mp4" });
  const result = await run("complete");
  expect(result.output).toBe("done image/png video/mp4\ntimers 0");
  // A leaked timer or socket would hold the process until the guard kills it (code null).
  expect(result.killed).toBe(false);
  expect(result.code).toBe(0);
});

test("a Node process whose call was aborted exits by itself after the best-effort cancel", async () => {
  server.reset();
  server.route("POST /v1/jobs/v", { body: { job_id: "x2", status: "pending" } });
  server.route("GET /v1/jobs/x2", { body: { job_id: "x2", status: "processing" } });
  server.route("POST /v1/jobs/x2/cancel", { body: { job_id: "x2", status: "cancelled" } });
  const result = await run("abort");
  expect(result.output).toBe("rejected AbortError");
  // Nothing but the best-effort cancel (answered at once here) holds the process after the rejection.
  expect(result.killed).toBe(false);
  expect(result.code).toBe(0);
  expect(server.requestsTo("POST /v1/jobs/x2/cancel")).toHaveLength(1);
});
