// Peak RSS of uploading one large file, per client, each in a fresh process, against a loopback server
// in another process that discards the bytes.
//   node scripts/measure-upload.mjs [sizeMiB]      (needs `pnpm --filter @decart/core run build` first)
import { spawn } from "node:child_process";
import { createReadStream, openAsBlob, statSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import { createServer, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [, script, role, ...rest] = process.argv;

if (role === "server") {
  let received = 0;
  const server = createServer((incoming, outgoing) => {
    let bytes = 0;
    incoming.on("data", (chunk) => (bytes += chunk.length));
    incoming.on("end", () => {
      const path = incoming.url ?? "/";
      if (path.startsWith("/v1/jobs/") && incoming.method === "POST") {
        received = bytes;
        outgoing
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify({ job_id: "m1", status: "completed" }));
      } else if (path === "/v1/jobs/m1/content") {
        outgoing.writeHead(200, { "content-type": "video/mp4" }).end(String(received));
      } else {
        outgoing.writeHead(200, { "content-type": "image/png" }).end(String(bytes));
      }
    });
  });
  server.listen(0, "127.0.0.1", () => console.log(server.address().port));
} else if (role === "client") {
  const [mode, file, port] = rest;
  const url = `http://127.0.0.1:${port}/v1/generate/m`;
  const base = process.memoryUsage().rss;
  let uploaded = "";
  if (mode === "node-http") {
    await new Promise((resolve, reject) => {
      const outgoing = request(
        url,
        { method: "POST", headers: { "content-length": statSync(file).size } },
        (response) => {
          response.setEncoding("utf8");
          response.on("data", (text) => (uploaded += text));
          response.on("end", resolve);
        },
      );
      outgoing.on("error", reject);
      createReadStream(file).pipe(outgoing);
    });
  } else if (mode === "fetch-formdata") {
    const form = new FormData();
    form.append("data", await openAsBlob(file), "data.mp4");
    uploaded = await (await fetch(url, { method: "POST", body: form })).text();
  } else {
    const { createDecartClient } = await import("../dist/index.js");
    const schema = { "~standard": { version: 1, vendor: "x", validate: (value) => ({ value }) } };
    const kind = mode === "decart-video" ? "video" : "image";
    const model = {
      name: "m",
      kind,
      endpoints: { generate: "/v1/generate/m", jobs: "/v1/jobs/m" },
      inputs: schema,
      fileFields: { data: "image" },
      outputType: "",
      geometry: {},
    };
    const client = createDecartClient({ apiKey: "k", baseUrl: `http://127.0.0.1:${port}` });
    const result = await client.process({
      model,
      prompt: "x",
      data: await openAsBlob(file, { type: "video/mp4" }),
    });
    uploaded = await result.text();
  }
  const peakMiB = process.resourceUsage().maxRSS / 1024;
  console.log(
    JSON.stringify({ mode, baseMiB: base / 2 ** 20, peakMiB, uploadedMiB: Number(uploaded) / 2 ** 20 }),
  );
} else {
  const sizeMiB = Number(role ?? 512);
  const file = join(tmpdir(), `decart-upload-${sizeMiB}.bin`);
  const chunk = Buffer.alloc(2 ** 20, 7);
  await writeFile(
    file,
    (async function* () {
      for (let index = 0; index < sizeMiB; index++) yield chunk;
    })(),
  );
  const server = spawn(process.execPath, [script, "server"], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise((resolve) =>
    server.stdout.once("data", (data) => resolve(String(data).trim())),
  );
  const run = (mode) =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [script, "client", mode, file, port], {
        stdio: ["ignore", "pipe", "inherit"],
      });
      let output = "";
      child.stdout.on("data", (data) => (output += data));
      child.on("exit", () => resolve(JSON.parse(output)));
    });
  const results = {};
  for (const mode of ["node-http", "fetch-formdata", "decart-image", "decart-video"])
    results[mode] = await run(mode);
  const floor = results["node-http"].peakMiB;
  for (const result of Object.values(results)) {
    console.log(
      `${result.mode.padEnd(16)} peak RSS ${result.peakMiB.toFixed(0).padStart(5)} MiB  ${(result.peakMiB / floor).toFixed(2)}× node:http, server got ${result.uploadedMiB.toFixed(1)} MiB`,
    );
  }
  server.kill();
  await rm(file);
}
