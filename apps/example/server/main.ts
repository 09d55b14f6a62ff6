import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startEmulator } from "@decart/emulator";
import { createProxyHandler, toNodeHandler } from "@decart/node";
import { serveStatic } from "./static";

/**
 * The example's server: the Decart proxy at `/api/decart` (it adds the API key, so the browser never
 * sees it) and the app itself — Vite in middleware mode with `--dev`, the built `dist/` otherwise.
 *
 * With `DECART_API_KEY` set it forwards to the real API (or `DECART_BASE_URL`); without it, it starts
 * the offline emulator in-process and forwards there.
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
const proxy = toNodeHandler(
  createProxyHandler({
    apiKey: realKey || emulator!.apiKey,
    baseUrl: emulator?.url ?? process.env.DECART_BASE_URL ?? "https://api.decart.ai",
    mountPath,
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
