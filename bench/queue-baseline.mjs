// The baseline of the queue benchmark, in a fresh process: `node queue-baseline.mjs <items> <concurrency>
// <url> <key> <folder>` runs the items through runBatch on one machine, saving each result to <folder>,
// and prints the wall time and how many completed.
import { performance } from "node:perf_hooks";
import { createDecartClient } from "@decart/core";
import { models } from "@decart/models";
import { runBatch } from "@decart/node";

const [countText, concurrencyText, url, apiKey, folder] = process.argv.slice(2);
const count = Number(countText);
const client = createDecartClient({ apiKey, baseUrl: url });
const model = models.video("lucy-pro-t2v");
function* items() {
  for (let index = 0; index < count; index++)
    yield { model, prompt: `queue bench ${index}`, name: `item-${index}` };
}
const started = performance.now();
const summary = await runBatch(client, items(), {
  concurrency: Number(concurrencyText),
  saveTo: `${folder}/{name}.{ext}`,
});
process.stdout.write(
  `${JSON.stringify({ wallMs: performance.now() - started, completed: summary.completed })}\n`,
);
