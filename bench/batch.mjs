// Batch benchmarks: 1,000 jobs through createBatch against the same jobs through Promise.all over
// p-limit with the same concurrency (what a user writes today), and through @decart/node's runBatch with
// its journal on disk (what `decart batch` runs), then 10,000 jobs through createBatch
// for the client's memory at 1k and 10k items and CPU per item: the heap left after a full collection
// (judged: flat means nothing is kept per item) and the RSS (printed beside it). The emulator runs in its own process with an
// instant engine (batch-server.mjs); each client run is a fresh process (batch-child.mjs).
import { execFile, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { median, printRow } from "./report.mjs";

const run = promisify(execFile);
const here = (name) => fileURLToPath(new URL(name, import.meta.url));

async function startServer() {
  const server = spawn(process.execPath, [here("batch-server.mjs")], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [line] = await createInterface({ input: server.stdout })
    [Symbol.asyncIterator]()
    .next()
    .then((next) => [next.value]);
  return { ...JSON.parse(line), close: () => server.kill("SIGTERM") };
}

async function client(mode, count, concurrency, server) {
  const args = [
    "--expose-gc",
    here("batch-child.mjs"),
    mode,
    String(count),
    String(concurrency),
    server.url,
    server.apiKey,
  ];
  const { stdout } = await run(process.execPath, args, { maxBuffer: 1 << 20 });
  const result = JSON.parse(stdout);
  if (result.lost || result.duplicated)
    throw new Error(`${mode}: ${result.lost} lost, ${result.duplicated} duplicated`);
  return result;
}

const mib = (bytes, digits = 0) => `${(bytes / 2 ** 20).toFixed(digits)} MiB`;

/**
 * What the heap after a full collection may vary by between two samples with nothing retained per item:
 * the state of the 64 jobs in flight (sockets, parsers, bodies). Measured at 1k, 2.5k, 5k, 7.5k and 10k
 * items of one run: 13.2, 13.1, 15.8, 13.3, 11.7 MiB; heap snapshots at 1k and 5k items of another show
 * no object kind growing with the items (only compiled code), and 3 MiB less heap at 5k.
 */
const heapSlackBytes = 2 * 2 ** 20;

const fromEnvironment = (name, fallback) => Number(process.env[name] ?? fallback);

/** Counts can be lowered on a busy machine: BENCH_BATCH_COUNT, BENCH_BATCH_SCALE, BENCH_BATCH_RUNS. */
export async function runBatchBenchmarks({
  count = fromEnvironment("BENCH_BATCH_COUNT", 1000),
  concurrency = 64,
  scale = fromEnvironment("BENCH_BATCH_SCALE", 10_000),
  runs = fromEnvironment("BENCH_BATCH_RUNS", 3),
} = {}) {
  console.log("— batch —");
  const server = await startServer();
  try {
    await client("batch", 200, concurrency, server); // warm the server
    const results = { batch: [], "p-limit": [], "run-batch": [] };
    for (let index = 0; index < runs; index++) {
      for (const mode of ["batch", "p-limit", "run-batch"])
        results[mode].push(await client(mode, count, concurrency, server));
    }
    const pick = (mode, field) => median(results[mode].map((result) => result[field]));
    const wall = {
      batch: pick("batch", "wallMs"),
      limit: pick("p-limit", "wallMs"),
      journaled: pick("run-batch", "wallMs"),
    };
    const cpu = { batch: pick("batch", "cpuMs"), limit: pick("p-limit", "cpuMs") };
    const rss = { batch: pick("batch", "rssEnd"), limit: pick("p-limit", "rssEnd") };
    printRow(
      `wall time of ${count} jobs, concurrency ${concurrency}`,
      `${(wall.batch / 1000).toFixed(2)} s vs p-limit ${(wall.limit / 1000).toFixed(2)} s`,
      wall.batch / wall.limit,
      1,
      `createBatch / Promise.all over p-limit; median of ${runs}`,
    );
    printRow(
      `wall time of ${count} jobs with a journal`,
      `${(wall.journaled / 1000).toFixed(2)} s vs p-limit ${(wall.limit / 1000).toFixed(2)} s`,
      wall.journaled / wall.limit,
      1.1,
      `runBatch (journal on disk, flushed before each submission) / p-limit; median of ${runs}`,
    );
    printRow(
      `client CPU per ${count} items`,
      `${cpu.batch.toFixed(0)} ms vs p-limit ${cpu.limit.toFixed(0)} ms`,
      cpu.batch / cpu.limit,
      1.2,
      "user + system of the client process",
    );
    printRow(
      `client RSS after ${count} items`,
      `${mib(rss.batch)} vs p-limit ${mib(rss.limit)}`,
      rss.batch / rss.limit,
      1.1,
      "the p-limit loop holds every promise and result",
    );
    const big = await client("batch", scale, concurrency, server);
    const from = Math.min(1000, scale);
    printRow(
      `client heap after GC, ${from} → ${scale}`,
      `${mib(big.heapAt1k, 1)} → ${mib(big.heapEnd, 1)} (${big.lost} lost, ${big.duplicated} duplicated)`,
      big.heapEnd / (big.heapAt1k + heapSlackBytes / 1.1),
      1.1,
      `flat: 10k ≤ 1.1 × 1k + ${mib(heapSlackBytes)}; ${(big.cpuMs / scale).toFixed(2)} ms CPU per item, ${(big.wallMs / 1000).toFixed(1)} s`,
    );
    // RSS is printed, not judged: with the heap after GC flat, its growth is V8 sizing its heap to the
    // allocation rate and the allocator keeping freed pages, not memory the client holds.
    console.log(
      `${`client RSS at ${from} → ${scale} items`.padEnd(40)} ${`${mib(big.rssAt1k)} → ${mib(big.rssEnd)}`.padEnd(48)} ${(big.rssEnd / big.rssAt1k).toFixed(2)}× (not judged)  [the heap after GC above is what is retained]`,
    );
  } finally {
    server.close();
  }
}
