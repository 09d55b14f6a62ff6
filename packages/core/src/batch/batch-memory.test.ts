import { afterAll, beforeAll, expect, test } from "vitest";
import { startJobServer, useChildScript } from "../test-support/index";

let server: Awaited<ReturnType<typeof startJobServer>>;

beforeAll(async () => {
  server = await startJobServer();
});
afterAll(async () => {
  await server.close();
});

// Holds a weak reference to every item, outcome and result, keeps the finished batch (and a listener on
// it) alive, collects garbage, and counts what is still reachable.
const script = `
import { createBatch, createDecartClient } from "./core.mjs";
const schema = { "~standard": { version: 1, vendor: "test", validate: (value) => ({ value }) } };
const model = { name: "m", kind: "video", task: "text-to-video", inputs: schema, fileFields: {},
  endpoints: { generate: "/v1/generate/m", jobs: "/v1/jobs/m" }, outputType: "video/mp4", geometry: {} };
const client = createDecartClient({ apiKey: "k", baseUrl: process.env.BASE_URL, retry: 0,
  polling: { initialDelay: 0, interval: 1, maxInterval: 1 } });
const count = Number(process.argv[2]);
const refs = { items: [], outcomes: [], results: [] };
function* source() {
  for (let index = 0; index < count; index++) {
    const item = { model, prompt: "p" + index, note: "x".repeat(1000) };
    refs.items.push(new WeakRef(item));
    yield item;
  }
}
const batch = createBatch(client, source(), { concurrency: 8 });
batch.subscribe(() => {});
// In a function of its own, so that its frame (which may hold the last outcome) is gone.
async function consume() {
  let completed = 0;
  for await (const outcome of batch) {
    if (outcome.status === "completed") completed++;
    refs.outcomes.push(new WeakRef(outcome));
    if (outcome.data) refs.results.push(new WeakRef(outcome.data));
  }
  return completed;
}
const completed = await consume();
const summary = await batch.done;
await new Promise((resolve) => setTimeout(resolve, 0));
globalThis.gc();
const alive = (list) => list.filter((ref) => ref.deref() !== undefined).length;
console.log(JSON.stringify({ completed, total: summary.total, items: alive(refs.items),
  outcomes: alive(refs.outcomes), results: alive(refs.results), snapshot: batch.getSnapshot().state }));
`;

const child = useChildScript("decart-core-batch-memory-", script);

test("a finished batch keeps none of its items, outcomes or results once the caller has let them go", async () => {
  const result = await child.run(["300"], { BASE_URL: server.url, NODE_OPTIONS: "--expose-gc" }, 25_000);
  expect(result.stderr).toBe("");
  expect(JSON.parse(result.stdout)).toEqual({
    completed: 300,
    total: 300,
    items: 0,
    outcomes: 0,
    results: 0,
    snapshot: "done",
  });
});
