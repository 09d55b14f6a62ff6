// Shared machinery of the upload-memory benchmarks: a large file made on the fly, a loopback sink that
// answers the routes `client.process` uses for a video model, and a child process per upload that
// reports its peak RSS (see upload-child.mjs for the modes).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { open, rm } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Writes `mebibytes` MiB of random bytes to a temporary `.mp4` file and returns its path. */
export async function makeUploadFile(mebibytes, label) {
  const file = join(tmpdir(), `decart-bench-${label}-${process.pid}.mp4`);
  const handle = await open(file, "w");
  const chunk = randomBytes(1 << 20);
  for (let index = 0; index < mebibytes; index++) await handle.write(chunk);
  await handle.close();
  return { file, remove: () => rm(file, { force: true }) };
}

/** A sink that drains every body and answers submit → pending, status → completed, content → bytes. */
export async function startUploadSink() {
  const sink = { received: 0 };
  const server = createServer((incoming, outgoing) => {
    incoming.on("data", (data) => {
      sink.received += data.length;
    });
    incoming.on("end", () => {
      const url = incoming.url ?? "";
      if (url.startsWith("/v1/jobs/") && incoming.method === "POST") {
        outgoing.writeHead(200, { "content-type": "application/json" });
        outgoing.end(JSON.stringify({ job_id: "job-1", status: "pending" }));
      } else if (url.endsWith("/content")) {
        outgoing.writeHead(200, { "content-type": "video/mp4" });
        outgoing.end(Buffer.alloc(1024));
      } else if (url.startsWith("/v1/jobs/")) {
        outgoing.writeHead(200, { "content-type": "application/json" });
        outgoing.end(JSON.stringify({ job_id: "job-1", status: "completed" }));
      } else {
        outgoing.writeHead(200);
        outgoing.end("ok");
      }
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  sink.url = `http://127.0.0.1:${server.address().port}`;
  sink.close = () => new Promise((resolve) => server.close(resolve));
  return sink;
}

/** Runs one upload in a child process and resolves its peak RSS in bytes. */
export function childPeak(mode, file, url) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [new URL("./upload-child.mjs", import.meta.url).pathname, mode, file, url],
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
