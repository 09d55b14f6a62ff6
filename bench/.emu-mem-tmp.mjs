import { readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createDecartClient } from "@decart/core";
import { startEmulator } from "@decart/emulator";
import { models } from "@decart/models";
import { fileFromPath } from "@decart/node";
import { peakRss } from "./rss-sampler.mjs";

const require = createRequire(import.meta.url);
const fixtures = join(dirname(require.resolve("@decart/emulator/package.json")), "fixtures");
const directory = await mkdtemp(join(tmpdir(), "emu-mem-"));
const mb = (b) => (b / 2 ** 20).toFixed(0);
const log = (label) => {
  const m = process.memoryUsage();
  console.log(
    label,
    "rss",
    mb(m.rss),
    "heap",
    mb(m.heapUsed),
    "ext",
    mb(m.external),
    "ab",
    mb(m.arrayBuffers),
  );
};
log("start");
const emulator = await startEmulator({ limits: { maxQueuedJobs: 32, workDir: directory } });
const client = createDecartClient({
  apiKey: emulator.apiKey,
  baseUrl: emulator.url,
  polling: { initialDelay: 0, interval: 20, maxInterval: 50 },
});
const image = await fileFromPath(join(fixtures, "sample.png"));
const video = await fileFromPath(join(fixtures, "sample.mp4"));
const jobs = {
  t2v: {
    model: models.video("lucy-pro-t2v"),
    prompt: "A city at night with neon lights by the water",
    seed: 42,
    resolution: "720p",
  },
  i2v: {
    model: models.video("lucy-pro-i2v"),
    prompt: "Animate with gentle motion and wind",
    data: image,
    seed: 42,
    resolution: "720p",
  },
  v2v: { model: models.video("lucy-pro-v2v"), prompt: "Convert to cartoon style", data: video, seed: 42 },
  t2i: {
    model: models.image("lucy-pro-t2i"),
    prompt: "Snowy mountains at dawn",
    seed: 42,
    resolution: "720p",
  },
};
const time = async (o) => {
  const s = performance.now();
  const b = await client.process(o);
  await b.arrayBuffer();
  return performance.now() - s;
};
await Promise.all([time(jobs.t2i), time(jobs.t2i)]);
log("after t2i warm");
const only = process.argv[2] === "v2v";
for (let run = 0; run < 3; run++) {
  if (!only) {
    const a = await time(jobs.t2v);
    log(`t2v ${a.toFixed(0)}ms`);
    const b = await time(jobs.i2v);
    log(`i2v ${b.toFixed(0)}ms`);
  }
  const sampler = peakRss({ intervalMs: 5 });
  const c = await time(jobs.v2v);
  const p = sampler.stop();
  log(`v2v ${c.toFixed(0)}ms`);
  console.log("  peak total", mb(p.total), "node", mb(p.node), "children", mb(p.children), "pss", mb(p.pss));
  await time(jobs.t2i);
}
dump();
await emulator.close();

function dump() {
  const smaps = readFileSync("/proc/self/smaps", "utf8").split("\n");
  const maps = [];
  let cur;
  for (const line of smaps) {
    if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) {
      const [range, , , , , ...name] = line.split(/\s+/);
      const [a, b] = range.split("-").map((x) => parseInt(x, 16));
      cur = { name: name.join(" ") || "[anon]", size: (b - a) / 1024, rss: 0 };
      maps.push(cur);
    } else if (line.startsWith("Rss:")) cur.rss = Number(line.split(/\s+/)[1]);
  }
  console.log(
    maps
      .filter((m) => m.name === "[anon]" && m.rss > 1024)
      .map((m) => `${(m.size / 1024).toFixed(1)}MB:${(m.rss / 1024).toFixed(1)}`)
      .join(" "),
  );
  const by = {};
  for (const m of maps) {
    const k = m.name.includes("/")
      ? m.name.split("/").pop()
      : `${m.name} ${m.size >= 65536 ? "64MB+" : m.size >= 1024 ? "1MB+" : "small"}`;
    by[k] = (by[k] ?? 0) + m.rss;
  }
  console.log(
    Object.entries(by)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12)
      .map(([k, v]) => `${k}: ${(v / 1024).toFixed(1)} MB`)
      .join("\n"),
  );
}
