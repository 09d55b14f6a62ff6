// Queue benchmarks: 1,000 instant jobs against the emulator (its own process, batch-server.mjs) through
// runBatch at concurrency 16 on one machine, then through `decart queue work` with 1, 2 and 4 worker
// processes of concurrency 4 each over one real redis-server; and Redis's memory per 1,000 finished items.
import { execFile, spawn } from "node:child_process";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { median, printRow } from "./report.mjs";

const run = promisify(execFile);
const here = (name) => fileURLToPath(new URL(name, import.meta.url));
const decart = fileURLToPath(new URL("../packages/node/dist/cli.js", import.meta.url));
const fromEnvironment = (name, fallback) => Number(process.env[name] ?? fallback);

async function startServer() {
  const server = spawn(process.execPath, [here("batch-server.mjs")], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: server.stdout })[Symbol.asyncIterator]();
  const { value } = await lines.next();
  return { ...JSON.parse(value), close: () => server.kill("SIGTERM") };
}

const exited = (child) =>
  new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`worker exited ${code}`))));
  });

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Debian's redis-server on a free loopback port, persisting nothing. */
async function startRedis(folder) {
  const port = await freePort();
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--dir", folder, "--save", "", "--appendonly", "no"],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  for await (const line of createInterface({ input: child.stdout }))
    if (line.includes("Ready to accept connections")) break;
  return { url: `redis://127.0.0.1:${port}`, close: () => child.kill("SIGTERM") };
}

/** The finished jobs of a queue, with BullMQ's processedOn and finishedOn times. */
async function queueJobs(url, name) {
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const queue = new Queue(name, { connection });
  try {
    return await queue.getCompleted(0, -1);
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

async function usedMemory(redis) {
  const info = await redis.info("memory");
  return Number(/used_memory:(\d+)/.exec(info)?.[1]);
}

/** Adds the items to a fresh queue, then times `workers` processes of `decart queue work` until it is drained. */
async function fleetRun({ redis, server, folder, count, workers, concurrency, label }) {
  const queue = `bench-${label}`;
  const input = join(folder, `${queue}.jsonl`);
  const lines = Array.from({ length: count }, (_, index) =>
    JSON.stringify({ model: "lucy-pro-t2v", prompt: `queue bench ${label} ${index}`, name: `item-${index}` }),
  );
  await writeFile(input, `${lines.join("\n")}\n`);
  await run(process.execPath, [
    decart,
    "queue",
    "add",
    "--redis",
    redis.url,
    "--queue",
    queue,
    "--input",
    input,
  ]);
  const out = join(folder, queue);
  const started = performance.now();
  const processes = Array.from({ length: workers }, () =>
    spawn(
      process.execPath,
      [
        decart,
        "queue",
        "work",
        "--redis",
        redis.url,
        "--queue",
        queue,
        "--out",
        out,
        "-c",
        String(concurrency),
        "--exit-when-drained",
      ],
      {
        env: { ...process.env, DECART_API_KEY: server.apiKey, DECART_BASE_URL: server.url },
        stdio: "ignore",
      },
    ),
  );
  await Promise.all(processes.map(exited));
  const wallMs = performance.now() - started;
  // The processing wall, as the baseline measures its own: from the first item taken to the last finished.
  const jobs = await queueJobs(redis.url, queue);
  const processingMs =
    Math.max(...jobs.map((job) => job.finishedOn)) - Math.min(...jobs.map((job) => job.processedOn));
  const files = (await readdir(out)).filter((file) => file.endsWith(".mp4")).length;
  if (files !== count) throw new Error(`${label}: ${files} results for ${count} items`);
  return { wallMs, processingMs, queue };
}

/** BENCH_QUEUE_COUNT and BENCH_QUEUE_RUNS lower the counts on a busy machine. */
export async function runQueueBenchmarks({
  count = fromEnvironment("BENCH_QUEUE_COUNT", 1000),
  runs = fromEnvironment("BENCH_QUEUE_RUNS", 1),
} = {}) {
  console.log("— queue (BullMQ + Redis) —");
  const server = await startServer();
  const folder = await mkdtemp(join(tmpdir(), "decart-bench-queue-"));
  const redisServer = await startRedis(folder);
  const redis = new Redis(redisServer.url);
  try {
    const walls = { baseline: [], 1: [], 2: [], 4: [] };
    const processing = { 1: [], 2: [], 4: [] };
    let memory;
    for (let index = 0; index < runs; index++) {
      const baseline = await run(process.execPath, [
        here("queue-baseline.mjs"),
        String(count),
        "16",
        server.url,
        server.apiKey,
        join(folder, `baseline-${index}`),
      ]);
      walls.baseline.push(JSON.parse(baseline.stdout).wallMs);
      for (const workers of [1, 2, 4]) {
        const before = await usedMemory(redis);
        const result = await fleetRun({
          redis: redisServer,
          server,
          folder,
          count,
          workers,
          concurrency: 4,
          label: `${workers}w${index}`,
        });
        walls[workers].push(result.wallMs);
        processing[workers].push(result.processingMs);
        if (workers === 4) {
          const after = await usedMemory(redis);
          const done = await redis.memory("USAGE", `bull:${result.queue}:decart:done`, "SAMPLES", "0");
          memory = { total: after - before, done };
        }
      }
    }
    const medians = (table) =>
      Object.fromEntries(Object.entries(table).map(([name, values]) => [name, median(values)]));
    const wall = medians(walls);
    const inside = medians(processing);
    const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
    const latency = process.env.BENCH_RENDER_MS
      ? `, renders of ${process.env.BENCH_RENDER_MS} ms`
      : ", instant renders";
    console.log(
      `${`wall of ${count} jobs${latency}`.padEnd(40)} runBatch -c 16: ${seconds(wall.baseline)}; queue 1×4: ${seconds(wall[1])}, 2×4: ${seconds(wall[2])}, 4×4: ${seconds(wall[4])} (from spawn to exit)`,
    );
    printRow(
      "queue, 4 workers × 4 vs runBatch -c 16",
      `${seconds(inside[4])} vs ${seconds(wall.baseline)}`,
      inside[4] / wall.baseline,
      1.15,
      `same total concurrency; first item taken to last finished, as runBatch times itself; median of ${runs}`,
    );
    printRow(
      "queue throughput, 2 → 4 workers",
      `${(inside[2] / inside[4]).toFixed(2)}× as many items per second`,
      inside[4] / inside[2],
      1 / 1.7,
      "goal ≥ 1.7×: the 4-worker processing wall over the 2-worker one (≤ 0.59×)",
    );
    const perThousand = (bytes) => `${(((bytes / count) * 1000) / 1024).toFixed(0)} KiB`;
    console.log(
      `${"Redis memory per 1,000 finished items".padEnd(40)} ${perThousand(memory.total)} with the last 1,000 jobs kept whole; ${perThousand(memory.done)} for the result index alone (what a trimmed item keeps)  [not judged]`,
    );
  } finally {
    redis.disconnect();
    redisServer.close();
    server.close();
    await rm(folder, { recursive: true, force: true });
  }
}
