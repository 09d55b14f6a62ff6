// A batch run for the crash tests: DECART_BASE_URL, DECART_API_KEY, BATCH_JOURNAL, BATCH_OUT, BATCH_COUNT,
// and optionally BATCH_CONCURRENCY and BATCH_PREFIX (prompts `<prefix> <i>`, files `<prefix>-<i>`; "item").
import { createDecartClient } from "@decart/core";
import { models } from "@decart/models";
import { runBatch } from "../batch/index";

const count = Number(process.env.BATCH_COUNT);
const prefix = process.env.BATCH_PREFIX ?? "item";
const client = createDecartClient({
  apiKey: process.env.DECART_API_KEY as string,
  baseUrl: process.env.DECART_BASE_URL as string,
  polling: { initialDelay: 0, interval: 10, maxInterval: 20 },
});
function* items() {
  for (let index = 0; index < count; index++) {
    yield { model: models.video("lucy-pro-t2v"), prompt: `${prefix} ${index}`, name: `${prefix}-${index}` };
  }
}
const summary = await runBatch(client, items(), {
  concurrency: Number(process.env.BATCH_CONCURRENCY ?? 4),
  journal: process.env.BATCH_JOURNAL as string,
  saveTo: `${process.env.BATCH_OUT}/{name}.{ext}`,
});
process.stdout.write(`${JSON.stringify(summary)}\n`);
process.exitCode = summary.failed > 0 ? 1 : 0;
