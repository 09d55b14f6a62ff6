// Per-call time of client.process() on an image model against raw fetch with the same multipart body,
// both on a keep-alive loopback server in another process; calls alternate, medians compared. A third
// contender, ky alone (configured as the transport configures it, with the same per-attempt body),
// splits the overhead into ky's share and the SDK's own.
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
    fileFields: { data: "image" },
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
  const { default: ky } = await import("ky");
  const retry = { limit: 2, methods: ["post"], statusCodes: [429, 503], afterStatusCodes: [413, 429, 503] };
  const kyAlone = async () => {
    const response = await ky(`${baseUrl}/v1/generate/m`, {
      method: "POST",
      headers: { "X-API-KEY": "k", "User-Agent": "decart-ts-sdk/0.0.0 lang/js runtime/node" },
      timeout: false,
      retry,
      fetch: (request) => {
        const form = new FormData();
        form.append("prompt", "A lighthouse at dawn");
        form.append("seed", "42");
        form.append("data", image, "data.png");
        return fetch(request.url, {
          method: request.method,
          headers: request.headers,
          body: form,
          signal: request.signal,
          redirect: "error",
          window: null,
          duplex: "half",
        });
      },
    });
    return response.blob();
  };
  const contenders = { raw, ky: kyAlone, sdk };
  const time = async (run, count) => {
    const samples = [];
    for (let index = 0; index < count; index++) {
      const started = performance.now();
      await run();
      samples.push(performance.now() - started);
    }
    return samples;
  };
  for (const run of Object.values(contenders)) await time(run, 300);
  // Rotate the order call by call, so load on the machine hits all of them alike.
  const names = Object.keys(contenders);
  const all = { raw: [], ky: [], sdk: [] };
  for (let index = 0; index < calls; index++) {
    for (let offset = 0; offset < names.length; offset++) {
      const name = names[(index + offset) % names.length];
      const started = performance.now();
      await contenders[name]();
      all[name].push(performance.now() - started);
    }
  }
  const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const mean = (values) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const [rawMedian, kyMedian, sdkMedian] = [median(all.raw), median(all.ky), median(all.sdk)];
  console.log(
    `raw fetch         median ${(rawMedian * 1000).toFixed(0)} µs  mean ${(mean(all.raw) * 1000).toFixed(0)} µs`,
  );
  console.log(
    `ky alone          median ${(kyMedian * 1000).toFixed(0)} µs  mean ${(mean(all.ky) * 1000).toFixed(0)} µs`,
  );
  console.log(
    `client.process()  median ${(sdkMedian * 1000).toFixed(0)} µs  mean ${(mean(all.sdk) * 1000).toFixed(0)} µs`,
  );
  console.log(
    `overhead          ${(sdkMedian / rawMedian).toFixed(3)}× (median), ${(mean(all.sdk) / mean(all.raw)).toFixed(3)}× (mean)`,
  );
  console.log(
    `of which ky       ${((kyMedian - rawMedian) * 1000).toFixed(0)} µs (ky alone ${(kyMedian / rawMedian).toFixed(3)}× raw); the SDK's own ${((sdkMedian - kyMedian) * 1000).toFixed(0)} µs`,
  );
  server.kill();
}
