import { createServer } from "node:http";
import { createDecartClient } from "@decart/core";
import { models } from "@decart/models";

const png = Buffer.alloc(70);
const server = createServer((i, o) => {
  i.resume();
  i.on("end", () => {
    o.writeHead(200, { "content-type": "image/png", "content-length": png.length });
    o.end(png);
  });
});
server.keepAliveTimeout = 60000;
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const url = `http://127.0.0.1:${server.address().port}`;
const client = createDecartClient({ apiKey: "k", baseUrl: url, retry: 0 });
const model = models.image("lucy-pro-t2i");
const mode = process.argv[2];
const raw = async () => {
  const f = new FormData();
  f.set("prompt", "A city");
  f.set("seed", "42");
  const r = await fetch(`${url}/v1/generate/lucy-pro-t2i`, {
    method: "POST",
    headers: { "x-api-key": "k" },
    body: f,
  });
  return r.blob();
};
const sdk = () => client.process({ model, prompt: "A city", seed: 42 });
const call = mode === "raw" ? raw : sdk;
for (let i = 0; i < 300; i++) await call();
const t = performance.now();
for (let i = 0; i < 3000; i++) await call();
console.log(mode, ((performance.now() - t) / 3000).toFixed(3), "ms");
server.close();
