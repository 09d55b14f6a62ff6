// @decart/node benchmarks: peak memory of uploading a 1 GiB file made on the fly through
// fileFromPath + client.process to a loopback sink, against node:http piping the same file (the floor).
// Each upload runs in its own child process, which reports process.resourceUsage().maxRSS.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { open, rm } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { median, printRow } from "./report.mjs";

export async function runNodeBenchmarks({ mebibytes = 1024, runs = 3 } = {}) {
  console.log("— @decart/node —");
  const file = join(tmpdir(), `decart-bench-node-upload-${process.pid}.mp4`);
  const handle = await open(file, "w");
  const chunk = randomBytes(1 << 20);
  for (let index = 0; index < mebibytes; index++) await handle.write(chunk);
  await handle.close();
  let received = 0;
  // Answers the routes client.process uses for a video model: submit, status, content.
  const sink = createServer((incoming, outgoing) => {
    incoming.on("data", (data) => {
      received += data.length;
    });
    incoming.on("end", () => {
      if (incoming.url?.startsWith("/v1/jobs/") && incoming.method === "POST") {
        outgoing.writeHead(200, { "content-type": "application/json" });
        outgoing.end(JSON.stringify({ job_id: "job-1", status: "pending" }));
      } else if (incoming.url?.endsWith("/content")) {
        outgoing.writeHead(200, { "content-type": "video/mp4" });
        outgoing.end(Buffer.alloc(1024));
      } else if (incoming.url?.startsWith("/v1/jobs/")) {
        outgoing.writeHead(200, { "content-type": "application/json" });
        outgoing.end(JSON.stringify({ job_id: "job-1", status: "completed" }));
      } else {
        outgoing.writeHead(200);
        outgoing.end("ok");
      }
    });
  });
  await new Promise((resolve) => sink.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${sink.address().port}`;
  try {
    const peaks = { pipe: [], sdk: [], imports: [] };
    const times = { pipe: [], sdk: [], imports: [] };
    for (let run = 0; run < runs; run++) {
      peaks.imports.push(await childPeak("imports", file, url));
      for (const mode of ["pipe", "sdk"]) {
        const before = received;
        const started = performance.now();
        peaks[mode].push(await childPeak(mode, file, url));
        times[mode].push(performance.now() - started);
        if (received - before < mebibytes * 2 ** 20)
          throw new Error(`${mode} upload delivered only ${received - before} bytes`);
      }
    }
    const floor = median(peaks.pipe);
    const baseline = await childPeak("empty", file, url);
    const sdk = median(peaks.sdk);
    const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
    const s = (values) => `${(median(values) / 1000).toFixed(1)} s`;
    printRow(
      `peak RSS uploading ${mebibytes} MiB (fileFromPath)`,
      `${mib(sdk)} (${s(times.sdk)}) vs node:http pipe ${mib(floor)} (${s(times.pipe)})`,
      sdk / floor,
      1.3,
      `median of ${runs}; child maxRSS; Decart's SDK / Node fetch ~630 MiB at 512 MiB`,
    );
    const imports = median(peaks.imports);
    console.log(
      `${"  of which imports + fileFromPath".padEnd(40)} ${`${mib(imports)} with no upload; upload adds ${mib(sdk - imports)}, pipe floor adds ${mib(floor - baseline)}`.padEnd(48)} (no goal)`,
    );
    return sdk / floor;
  } finally {
    sink.close();
    await rm(file, { force: true });
  }
}

function childPeak(mode, file, url) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [new URL("./node-upload-child.mjs", import.meta.url).pathname, mode, file, url],
      {
        cwd: import.meta.dirname,
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let output = "";
    child.stdout.on("data", (data) => {
      output += data;
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`upload child (${mode}) exited with ${code}`));
      resolve(Number(output.trim()));
    });
  });
}
