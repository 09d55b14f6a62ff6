const counts = { ac: 0, req: 0, any: 0, resp: 0 };
const AC = globalThis.AbortController;
globalThis.AbortController = class extends AC {
  constructor() {
    super();
    counts.ac++;
    if (globalThis.trace) console.log(new Error().stack.split("\n").slice(2, 4).join(" | "));
  }
};
const R = globalThis.Request;
globalThis.Request = class extends R {
  constructor(a, b) {
    super(a, b);
    counts.req++;
  }
};
const any = AbortSignal.any;
AbortSignal.any = (s) => {
  counts.any++;
  return any.call(AbortSignal, s);
};
const { createServer } = await import("node:http");
const { createDecartClient } = await import("@decart/core");
const { models } = await import("@decart/models");
const server = createServer((i, o) => {
  i.resume();
  i.on("end", () => {
    o.writeHead(200, { "content-type": "image/png" });
    o.end("x");
  });
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const client = createDecartClient({
  apiKey: "k",
  baseUrl: `http://127.0.0.1:${server.address().port}`,
  retry: 0,
});
const model = models.image("lucy-pro-t2i");
await client.process({ model, prompt: "A city", seed: 42 });
for (const k in counts) counts[k] = 0;
globalThis.trace = true;
await client.process({ model, prompt: "A city", seed: 42 });
globalThis.trace = false;
for (let i = 0; i < 10; i++) await client.process({ model, prompt: "A city", seed: 42 });
console.log("per call:", Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, v / 10])));
server.close();
