import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestServer, type TestServer } from "@decart/test-server";
import { build } from "esbuild";
import { afterAll, beforeAll, expect, test } from "vitest";
import { MP4, PNG } from "../test/models";

let server: TestServer;
let directory: string;

beforeAll(async () => {
  server = await startTestServer();
  directory = mkdtempSync(join(tmpdir(), "decart-core-exit-"));
  // Bundle the sources the way a user's build would, then run them in a plain Node process.
  await build({
    entryPoints: [join(import.meta.dirname, "index.ts")],
    bundle: true,
    format: "esm",
    platform: "neutral",
    outfile: join(directory, "core.mjs"),
    define: { __DECART_VERSION__: '"0.0.0-exit"' },
    logLevel: "silent",
  });
});
afterAll(async () => {
  await server.close();
  rmSync(directory, { recursive: true, force: true });
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
}
`;

function run(mode: string): Promise<{ output: string; exitedAfterOutputMs: number; code: number | null }> {
  writeFileSync(join(directory, "run.mjs"), script);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(directory, "run.mjs"), mode], {
      env: { ...process.env, BASE_URL: server.url },
    });
    let output = "";
    let outputAt = 0;
    child.stdout.on("data", (chunk) => {
      output += chunk;
      outputAt = performance.now();
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(killer);
      resolve({ output: output.trim(), exitedAfterOutputMs: performance.now() - outputAt, code });
    });
  });
}

test("a Node process that awaited process() exits by itself at once", async () => {
  server.route("POST /v1/generate/i", { body: PNG, type: "image/png" });
  server.route("POST /v1/jobs/v", { body: { job_id: "x1", status: "pending" } });
  server.route(
    "GET /v1/jobs/x1",
    { body: { job_id: "x1", status: "processing" } },
    { body: { job_id: "x1", status: "completed" } },
  );
  server.route("GET /v1/jobs/x1/content", { body: MP4, type: "video/mp4" });
  const result = await run("complete");
  expect(result.output).toBe("done image/png video/mp4");
  expect(result.code).toBe(0);
  // A leaked timer or socket would hold the process until the 10 s kill (code null).
  expect(result.exitedAfterOutputMs).toBeLessThan(1_000);
});

test("a Node process whose call was aborted exits by itself after the best-effort cancel", async () => {
  server.reset();
  server.route("POST /v1/jobs/v", { body: { job_id: "x2", status: "pending" } });
  server.route("GET /v1/jobs/x2", { body: { job_id: "x2", status: "processing" } });
  server.route("POST /v1/jobs/x2/cancel", { body: { job_id: "x2", status: "cancelled" } });
  const result = await run("abort");
  expect(result.output).toBe("rejected AbortError");
  expect(result.code).toBe(0);
  // It waits only for the cancel request's answer (bounded by its own 3 s timeout).
  expect(result.exitedAfterOutputMs).toBeLessThan(2_500);
  expect(server.requestsTo("POST /v1/jobs/x2/cancel")).toHaveLength(1);
});
