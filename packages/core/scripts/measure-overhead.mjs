// Per-call time of client.process() on an image model against raw fetch with the same multipart body,
// both on a keep-alive loopback server in another process; calls alternate, medians compared.
//   node scripts/measure-overhead.mjs [calls]      (needs `pnpm --filter @decart/core run build` first)
import { spawn } from "node:child_process";
import { createServer } from "node:http";

if (process.argv[2] === "server") {
  const png = Buffer.alloc(64 * 1024, 1);
  createServer((incoming, outgoing) => {
    incoming.resume();
    incoming.on("end", () =>
      outgoing.writeHead(200, { "content-type": "image/png", "x-request-id": "r" }).end(png),
    );
  }).listen(0, "127.0.0.1", function () {
    console.log(this.address().port);
  });
} else {
  const calls = Number(process.argv[2] ?? 2000);
  const server = spawn(process.execPath, [process.argv[1], "server"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise((resolve) =>
    server.stdout.once("data", (data) => resolve(String(data).trim())),
  );
  const { createDecartClient } = await import("../dist/index.js");
  const baseUrl = `http://127.0.0.1:${port}`;
  const schema = { "~standard": { version: 1, vendor: "x", validate: (value) => ({ value }) } };
  const model = {
    name: "m",
    kind: "image",
    endpoints: { generate: "/v1/generate/m", jobs: "/v1/jobs/m" },
    inputs: schema,
    fileFields: ["data"],
    outputType: "",
    geometry: {},
  };
  const client = createDecartClient({ apiKey: "k", baseUrl });
  const image = new Blob([new Uint8Array(16 * 1024)], { type: "image/png" });
  const raw = async () => {
    const form = new FormData();
    form.append("prompt", "A lighthouse at dawn");
    form.append("seed", "42");
    form.append("data", image, "data.png");
    const response = await fetch(`${baseUrl}/v1/generate/m`, {
      method: "POST",
      body: form,
      headers: { "X-API-KEY": "k" },
    });
    if (!response.ok) throw new Error(String(response.status));
    return response.blob();
  };
  const sdk = () => client.process({ model, prompt: "A lighthouse at dawn", seed: 42, data: image });
  const time = async (run, count) => {
    const samples = [];
    for (let index = 0; index < count; index++) {
      const started = performance.now();
      await run();
      samples.push(performance.now() - started);
    }
    return samples;
  };
  await time(raw, 300);
  await time(sdk, 300);
  // Alternate the two call by call, so load on the machine hits both alike.
  const all = { raw: [], sdk: [] };
  for (let index = 0; index < calls; index++) {
    const [first, second] = index % 2 === 0 ? ["raw", "sdk"] : ["sdk", "raw"];
    for (const name of [first, second]) {
      const started = performance.now();
      await (name === "raw" ? raw() : sdk());
      all[name].push(performance.now() - started);
    }
  }
  const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const mean = (values) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const [rawMedian, sdkMedian] = [median(all.raw), median(all.sdk)];
  console.log(
    `raw fetch         median ${(rawMedian * 1000).toFixed(0)} µs  mean ${(mean(all.raw) * 1000).toFixed(0)} µs`,
  );
  console.log(
    `client.process()  median ${(sdkMedian * 1000).toFixed(0)} µs  mean ${(mean(all.sdk) * 1000).toFixed(0)} µs`,
  );
  console.log(
    `overhead          ${(sdkMedian / rawMedian).toFixed(3)}× (median), ${(mean(all.sdk) / mean(all.raw)).toFixed(3)}× (mean)`,
  );
  server.kill();
}
