import { startTestServer, type TestServer } from "@decart/test-server";
import { afterAll, beforeAll, expect, test } from "vitest";
import { PNG, useChildScript } from "../test-support/index";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

// Keys are kept by their expiry timestamp, never by a timer: a process whose client holds a key that
// expires in an hour still exits as soon as its own work is done.
const script = `
import { createDecartClient } from "./core.mjs";
const schema = { "~standard": { version: 1, vendor: "test", validate: (value) => ({ value }) } };
const model = { name: "i", kind: "image", endpoints: { generate: "/v1/generate/i", jobs: "/v1/jobs/i" },
  inputs: schema, fileFields: {}, outputType: "", geometry: {} };
let calls = 0;
const client = createDecartClient({
  baseUrl: process.env.BASE_URL,
  apiKey: async () => ({ apiKey: "ek_" + ++calls, expiresAt: new Date(Date.now() + 3_600_000).toISOString() }),
});
await client.process({ model, prompt: "x" });
await client.process({ model, prompt: "x" });
console.log("calls " + calls);
console.log("timers " + process.getActiveResourcesInfo().filter((name) => name === "Timeout").length);
`;

const child = useChildScript("decart-core-key-exit-", script);

test("a Node process whose client has an apiKey function exits by itself, with no timer left", async () => {
  server.route("POST /v1/generate/i", (request) =>
    request.headers["x-api-key"] === "ek_2"
      ? { body: PNG, type: "image/png" }
      : { status: 401, body: { detail: "expired" } },
  );
  const result = await child.run([], { BASE_URL: server.url }, 20_000);
  expect([result.stdout, result.stderr].filter(Boolean).join("\n")).toBe("calls 2\ntimers 0");
  expect(result.killed).toBe(false);
  expect(result.code).toBe(0);
});
