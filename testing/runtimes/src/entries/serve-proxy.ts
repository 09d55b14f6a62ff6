// The Node proxy handler of @decart/node served by `Bun.serve` or `Deno.serve` on a free loopback port:
// `<runtime> serve-proxy.mjs <api key> <upstream url>` prints `listening <port>` once it accepts requests.
import { createProxyHandler } from "@decart/node";
import { proxyOptions } from "../proxy-options";

type Handler = (request: Request) => Promise<Response>;
declare const Bun:
  | { serve(options: { port: number; hostname: string; fetch: Handler }): { port: number } }
  | undefined;
declare const Deno:
  | {
      args: string[];
      serve(
        options: { port: number; hostname: string; onListen(address: { port: number }): void },
        handler: Handler,
      ): unknown;
    }
  | undefined;

const [apiKey = "", upstream = ""] = typeof Deno === "undefined" ? process.argv.slice(2) : Deno.args;
const handler = createProxyHandler(proxyOptions(apiKey, upstream));

if (typeof Bun !== "undefined") {
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: handler });
  console.log(`listening ${server.port}`);
} else if (typeof Deno !== "undefined") {
  Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen: ({ port }) => console.log(`listening ${port}`) },
    handler,
  );
} else {
  throw new Error("serve-proxy runs in Bun or Deno");
}
