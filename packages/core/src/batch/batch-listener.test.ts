import { startTestServer, type TestServer } from "@decart/test-server";
import { afterAll, beforeAll, expect, test } from "vitest";
import { PNG, useChildScript } from "../test-support/index";

// In a process of its own: the listener's error must surface there as an uncaught exception.
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

const script = `
import { createBatch, createDecartClient } from "./core.mjs";
const schema = { "~standard": { version: 1, vendor: "test", validate: (value) => ({ value }) } };
const model = { name: "i", kind: "image", endpoints: { generate: "/v1/generate/i", jobs: "/v1/jobs/i" },
  inputs: schema, fileFields: {}, outputType: "", geometry: {} };
const reported = [];
process.on("uncaughtException", (error) => reported.push(error.message));
const client = createDecartClient({ apiKey: "k", baseUrl: process.env.BASE_URL, retry: 0 });
const batch = createBatch(client, ["a", "b", "c"].map((prompt) => ({ model, prompt })), { concurrency: 1 });
let seen = 0;
batch.subscribe((event) => {
  if (event.type === "outcome") throw new Error("listener broke on " + event.outcome.index);
});
batch.subscribe((event) => {
  if (event.type === "outcome") seen += 1;
});
const summary = await batch.done;
await new Promise((resolve) => setTimeout(resolve, 0));
console.log(JSON.stringify({ completed: summary.completed, seen, reported }));
`;

const child = useChildScript("decart-core-batch-listener-", script);

test("a listener that throws neither stops the batch nor the other listeners, and its error is reported", async () => {
  server.route("POST /v1/generate/i", ...[1, 2, 3].map(() => ({ body: PNG, type: "image/png" })));
  const result = await child.run([], { BASE_URL: server.url }, 20_000);
  expect(result.killed).toBe(false);
  expect(JSON.parse(result.stdout.trim())).toEqual({
    completed: 3,
    seen: 3,
    reported: ["listener broke on 0", "listener broke on 1", "listener broke on 2"],
  });
});
