// Benchmarks of @decart/core (+ @decart/models) against baselines measured in the same run.
// Every figure is printed next to its baseline as a ratio. Runs against the built packages.
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { performance } from "node:perf_hooks";
import { createDecartClient } from "@decart/core";
import { models } from "@decart/models";
import { median, printRow, sleep } from "./report.mjs";
import { childPeak, makeUploadFile, startUploadSink } from "./upload.mjs";

const png = Buffer.from(
  "89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082",
  "hex",
);

/** A loopback Process API stand-in: answers instantly, so only client-side cost is measured. */
async function startStandIn({ holdJobs = false } = {}) {
  const server = createServer((incoming, outgoing) => {
    incoming.on("data", () => {});
    incoming.on("end", () => {
      const url = incoming.url ?? "";
      if (url.startsWith("/v1/generate/")) {
        outgoing.writeHead(200, { "content-type": "image/png", "content-length": png.length });
        outgoing.end(png);
      } else if (incoming.method === "POST" && url.startsWith("/v1/jobs/") && url.endsWith("/cancel")) {
        outgoing.writeHead(200, { "content-type": "application/json" });
        outgoing.end(JSON.stringify({ job_id: "job-1", status: "cancelled" }));
      } else if (incoming.method === "POST" && url.startsWith("/v1/jobs/")) {
        outgoing.writeHead(200, { "content-type": "application/json" });
        outgoing.end(JSON.stringify({ job_id: "job-1", status: "pending" }));
      } else if (url.endsWith("/content")) {
        outgoing.writeHead(200, { "content-type": "video/mp4", "content-length": png.length });
        outgoing.end(png);
      } else {
        outgoing.writeHead(200, { "content-type": "application/json" });
        outgoing.end(JSON.stringify({ job_id: "job-1", status: holdJobs ? "processing" : "completed" }));
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** Per-call overhead of `client.process` (sync image model) against raw fetch with the same body. */
export async function callOverhead({ rounds = 7, calls = 400 } = {}) {
  const server = await startStandIn();
  const client = createDecartClient({ apiKey: "bench-key", baseUrl: server.url, retry: 0 });
  const model = models.image("lucy-pro-t2i");
  const prompt = "A futuristic cityscape at night with neon lights";
  const rawCall = async () => {
    const form = new FormData();
    form.set("prompt", prompt);
    form.set("seed", "42");
    form.set("resolution", "720p");
    form.set("orientation", "landscape");
    const response = await fetch(`${server.url}/v1/generate/lucy-pro-t2i`, {
      method: "POST",
      headers: { "x-api-key": "bench-key" },
      body: form,
    });
    if (!response.ok) throw new Error(`status ${response.status}`);
    return response.blob();
  };
  const sdkCall = () => client.process({ model, prompt, seed: 42 });
  const timeBatch = async (call) => {
    const started = performance.now();
    for (let index = 0; index < calls; index++) await call();
    return (performance.now() - started) / calls;
  };
  await timeBatch(rawCall);
  await timeBatch(sdkCall);
  const raw = [];
  const sdk = [];
  for (let round = 0; round < rounds; round++) {
    raw.push(await timeBatch(rawCall));
    sdk.push(await timeBatch(sdkCall));
  }
  await server.close();
  const ratio = median(sdk) / median(raw);
  printRow(
    "process() per call vs raw fetch",
    `${median(sdk).toFixed(3)} ms vs ${median(raw).toFixed(3)} ms`,
    ratio,
    1.05,
    "Decart's SDK 1.07×",
  );
  return ratio;
}

/** End-to-end `process()` on a video model whose job the server reports completed at the first poll. */
export async function instantJob({ runs = 30 } = {}) {
  const server = await startStandIn();
  const client = createDecartClient({ apiKey: "bench-key", baseUrl: server.url, retry: 0 });
  const model = models.video("lucy-pro-t2v");
  const times = [];
  for (let run = 0; run < runs + 3; run++) {
    const started = performance.now();
    await client.process({ model, prompt: "A serene lake at sunset", seed: 42 });
    if (run >= 3) times.push(performance.now() - started);
  }
  await server.close();
  const value = median(times);
  printRow(
    "video process(), job done at once",
    `${value.toFixed(1)} ms median`,
    value / 50,
    1,
    "goal 50 ms; Decart's SDK ~504 ms",
  );
  return value;
}

/** Time from `abort()` to the rejection of a `process()` that is polling a running job. */
export async function abortLatency({ runs = 20 } = {}) {
  const server = await startStandIn({ holdJobs: true });
  const client = createDecartClient({ apiKey: "bench-key", baseUrl: server.url, retry: 0 });
  const model = models.video("lucy-pro-t2v");
  const times = [];
  for (let run = 0; run < runs; run++) {
    const controller = new AbortController();
    const pending = client.process({
      model,
      prompt: "Epic fantasy landscape with dragons",
      signal: controller.signal,
    });
    const settled = pending.then(
      () => performance.now(),
      () => performance.now(),
    );
    await sleep(150 + (run % 5) * 97);
    const abortedAt = performance.now();
    controller.abort();
    times.push((await settled) - abortedAt);
  }
  await server.close();
  const value = median(times);
  printRow(
    "abort → reject, mid-poll",
    `${value.toFixed(2)} ms median`,
    value / 20,
    1,
    "goal 20 ms; Decart's SDK ~1,250 ms",
  );
  return value;
}

/** Peak RSS of a child process uploading a large file: node:http pipe (floor) vs `client.process`. */
export async function uploadMemory({ mebibytes = 512 } = {}) {
  const upload = await makeUploadFile(mebibytes, "core-upload");
  const sink = await startUploadSink();
  try {
    const floor = await childPeak("pipe", upload.file, sink.url);
    const before = sink.received;
    const sdk = await childPeak("blob", upload.file, sink.url);
    if (sink.received - before < mebibytes * 2 ** 20)
      throw new Error("the upload did not deliver every byte");
    const ratio = sdk / floor;
    printRow(
      `peak RSS uploading ${mebibytes} MiB`,
      `${(sdk / 2 ** 20).toFixed(0)} MiB vs node:http pipe ${(floor / 2 ** 20).toFixed(0)} MiB`,
      ratio,
      1.3,
      "Decart's SDK / Node fetch ~630 MiB",
    );
    return ratio;
  } finally {
    await sink.close();
    await upload.remove();
  }
}

/** Cold `import` of core + models in a fresh Node process, over an empty script. */
export async function importTime({ runs = 15 } = {}) {
  const time = (code) =>
    new Promise((resolve, reject) => {
      const started = performance.now();
      const child = spawn(process.execPath, ["--input-type=module", "-e", code], {
        cwd: import.meta.dirname,
        stdio: "ignore",
      });
      child.on("error", reject);
      child.on("exit", () => resolve(performance.now() - started));
    });
  const empty = [];
  const loaded = [];
  for (let run = 0; run < runs; run++) {
    empty.push(await time("void 0"));
    loaded.push(await time('await import("@decart/core"); await import("@decart/models");'));
  }
  const extra = median(loaded) - median(empty);
  printRow(
    "cold import of core + models",
    `+${extra.toFixed(1)} ms over an empty script (${median(empty).toFixed(0)} ms)`,
    extra / 40,
    1,
    "goal 40 ms; Decart's SDK 85 ms",
  );
  return extra;
}
