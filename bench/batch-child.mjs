// One client run of the batch benchmark, in a fresh process: `node batch-child.mjs <mode> <items>
// <concurrency> <url> <key>`, mode `batch` (createBatch), `run-batch` (@decart/node's runBatch with a
// journal in a temporary folder, results handed to onOutcome) or `p-limit` (Promise.all over p-limit with
// client.process). Prints wall time, CPU, RSS after 1,000 items and at the end, and the outcome counts.
// Run with --expose-gc, it also prints the heap left after a full collection at both points: what the
// client really retains, apart from garbage V8 has not collected yet and pages it has not returned.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createBatch, createDecartClient } from "@decart/core";
import { models } from "@decart/models";
import pLimit from "p-limit";

const [mode, countText, concurrencyText, url, apiKey] = process.argv.slice(2);
const count = Number(countText);
const concurrency = Number(concurrencyText);
const client = createDecartClient({ apiKey, baseUrl: url });
const model = models.video("lucy-pro-t2v");
const seen = new Uint8Array(count);
let settled = 0;
/** RSS as it stands, then the heap used after a full collection (undefined without --expose-gc). */
function sampleMemory() {
  const rss = process.memoryUsage.rss();
  if (typeof globalThis.gc !== "function") return { rss, heap: undefined };
  globalThis.gc();
  return { rss, heap: process.memoryUsage().heapUsed };
}
let at1k = { rss: 0, heap: undefined };
const settle = (index, ok) => {
  seen[index] += ok ? 1 : 0;
  if (++settled === Math.min(1000, count)) at1k = sampleMemory();
};

function* items() {
  for (let index = 0; index < count; index++) yield { model, prompt: `bench item ${index}` };
}
// Loaded only in its own mode, so the other modes' memory figures stay the client's alone.
const { runBatch } = mode === "run-batch" ? await import("@decart/node") : {};
const folder = mode === "run-batch" ? mkdtempSync(join(tmpdir(), "decart-bench-journal-")) : undefined;
const cpu = process.cpuUsage();
const started = performance.now();
if (mode === "batch") {
  const batch = createBatch(client, items(), { concurrency });
  for await (const outcome of batch)
    settle(outcome.index, outcome.status === "completed" && outcome.data.size > 0);
} else if (mode === "run-batch") {
  await runBatch(client, items(), {
    concurrency,
    journal: join(folder, "batch.journal"),
    onOutcome: (outcome) => settle(outcome.index, outcome.status === "completed" && outcome.data.size > 0),
  });
} else {
  const limit = pLimit(concurrency);
  const prompts = Array.from({ length: count }, (_, index) => `bench item ${index}`);
  await Promise.all(
    prompts.map((prompt, index) =>
      limit(() => client.process({ model, prompt })).then(
        (data) => settle(index, data.size > 0),
        () => settle(index, false),
      ),
    ),
  );
}
const wallMs = performance.now() - started;
const used = process.cpuUsage(cpu);
if (folder) rmSync(folder, { recursive: true, force: true });
const atEnd = sampleMemory();
let completed = 0;
let duplicated = 0;
for (const times of seen) {
  if (times >= 1) completed++;
  if (times > 1) duplicated++;
}
process.stdout.write(
  `${JSON.stringify({
    mode,
    count,
    wallMs,
    cpuMs: (used.user + used.system) / 1000,
    rssAt1k: at1k.rss,
    rssEnd: atEnd.rss,
    heapAt1k: at1k.heap,
    heapEnd: atEnd.heap,
    completed,
    lost: count - completed,
    duplicated,
  })}\n`,
);
