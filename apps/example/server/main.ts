import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startEmulator } from "@decart/emulator";
import { createProxyHandler, type ProxyAuthorize, toNodeHandler } from "@decart/node";
import { modes } from "../src/modes";
import { serveStatic } from "./static";

/**
 * The example's server: the Decart proxy at `/api/decart` (it adds the API key, so the browser never
 * sees it) and the app itself — Vite in middleware mode with `--dev`, the built `dist/` otherwise.
 *
 * With `DECART_API_KEY` set it forwards to the real API (or `DECART_BASE_URL`); without it, it starts
 * the offline emulator in-process and forwards there. The proxy forwards only the models the app offers,
 * and only for clients on this machine: a local demo, not a deployment (see "Deploying the proxy").
 *
 *   node dist-server/main.js [--dev]   PORT=5173 HOST=127.0.0.1
 *
 * The server imports the workspace packages' built output: run `pnpm build` at the root once first.
 */
const appRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dev = process.argv.includes("--dev");
const port = Number(process.env.PORT ?? 5173);
const host = process.env.HOST ?? "127.0.0.1";
const mountPath = "/api/decart";

type Listener = (request: IncomingMessage, response: ServerResponse, next: () => void) => void;

const realKey = process.env.DECART_API_KEY?.trim();
const emulator = realKey ? undefined : await startEmulator();
/** Local development: anyone on this machine, nobody else. A deployed app checks its own sessions here. */
const localOnly: ProxyAuthorize = (_request, context) => {
  const address = context.nodeRequest?.socket.remoteAddress ?? "";
  return address === "127.0.0.1" || address === "::1" || address === "::ffff:127.0.0.1";
};
const proxy = toNodeHandler(
  createProxyHandler({
    apiKey: realKey || emulator!.apiKey,
    baseUrl: emulator?.url ?? process.env.DECART_BASE_URL ?? "https://api.decart.ai",
    mountPath,
    authorize: localOnly,
    models: modes.map((mode) => mode.model.name),
    // One instance: a fresh secret per start is enough (job ids from a previous run stop working).
    secret: process.env.DECART_PROXY_SECRET ?? randomBytes(32).toString("hex"),
  }),
);

let app: Listener;
let closeApp = async () => {};
if (dev) {
  const { createServer: createViteServer } = await import("vite");
  const vite = await createViteServer({ root: appRoot, appType: "spa", server: { middlewareMode: true } });
  app = vite.middlewares;
  closeApp = () => vite.close();
} else {
  const serve = serveStatic(resolve(appRoot, "dist"));
  app = (request, response) => void serve(request, response);
}

const server = createServer((request, response) => {
  const path = request.url ?? "/";
  if (path === mountPath || path.startsWith(`${mountPath}/`)) {
    void proxy(request, response);
    return;
  }
  app(request, response, () => {
    response.writeHead(404, { "content-type": "text/plain" }).end("Not found");
  });
});
await new Promise<void>((done) => server.listen(port, host, done));
const { port: boundPort } = server.address() as AddressInfo;
const url = `http://${host.includes(":") ? `[${host}]` : host}:${boundPort}`;
console.log(`Decart example ${dev ? "(dev) " : ""}on ${url}`);
console.log(emulator ? `Proxy ${mountPath} → emulator ${emulator.url}` : `Proxy ${mountPath} → Decart API`);

let closing = false;
async function shutdown() {
  if (closing) return;
  closing = true;
  server.closeAllConnections();
  await Promise.allSettled([new Promise((done) => server.close(done)), closeApp(), emulator?.close()]);
  process.exit(0);
}
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
