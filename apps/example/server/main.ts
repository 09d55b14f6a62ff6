import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startEmulator } from "@decart/emulator";
import { createProxyHandler, createTokenHandler, toNodeHandler } from "@decart/node";
import { type PageConfig, serverRoutes } from "../src/key-modes";
import { modes } from "../src/modes";
import { serveStatic } from "./static";

/**
 * The example's server, for the page's two ways of keeping the API key to itself:
 *
 * - the Decart proxy at `/api/decart` (`?keys=proxy`, the default): it adds the key to the page's calls;
 * - the token route at `/api/decart-token` (`?keys=tokens`): it mints short-lived client tokens (`ek_…`,
 *   `DECART_TOKEN_EXPIRES_IN` seconds, 300 by default) that work only from this app's origin, and the page
 *   calls the API directly with them (at the address `/api/decart-config` names);
 *
 * and the app itself — Vite in middleware mode with `--dev`, the built `dist/` otherwise.
 *
 * With `DECART_API_KEY` set it uses the real API (or `DECART_BASE_URL`, such as an emulator of your own);
 * without it, it starts the offline emulator in-process. Both routes serve only clients on this machine:
 * a local demo, not a deployment (see "Deploying the proxy" and "Keys in the browser").
 *
 *   node dist-server/main.js [--dev]   PORT=5173 HOST=127.0.0.1
 *
 * The server imports the workspace packages' built output: run `pnpm build` at the root once first.
 */
const appRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dev = process.argv.includes("--dev");
const port = Number(process.env.PORT ?? 5173);
const host = process.env.HOST ?? "127.0.0.1";
const tokenLifetime = Number(process.env.DECART_TOKEN_EXPIRES_IN ?? 300);

type Listener = (request: IncomingMessage, response: ServerResponse, next: () => void) => void;

const realKey = process.env.DECART_API_KEY?.trim();
const emulator = realKey ? undefined : await startEmulator();
const apiKey = realKey || emulator!.apiKey;
const apiUrl = emulator?.url ?? process.env.DECART_BASE_URL ?? "https://api.decart.ai";

/**
 * Local development: anyone on this machine, nobody else, checked before either route. So both run open
 * to anonymous callers (limited per address), and the proxy binds job ids with a random secret of this
 * process (`DECART_PROXY_SECRET` if set). A deployed app passes `authorize` with its own sessions to both
 * handlers instead, and a shared `secret` to the proxy.
 */
function isLocal(request: IncomingMessage): boolean {
  const address = request.socket.remoteAddress ?? "";
  return address === "127.0.0.1" || address === "::1" || address === "::ffff:127.0.0.1";
}

const proxy = toNodeHandler(
  createProxyHandler({
    apiKey,
    baseUrl: apiUrl,
    mountPath: serverRoutes.proxy,
    allowAnonymous: true,
    models: modes.map((mode) => mode.model.name),
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

/** The token route and the API address for pages, made once the server's own origin is known. */
let tokens: ReturnType<typeof toNodeHandler> | undefined;
let pageConfig: PageConfig | undefined;

const sendJson = (response: ServerResponse, status: number, body: unknown) =>
  response
    .writeHead(status, { "content-type": "application/json", "cache-control": "no-store" })
    .end(JSON.stringify(body));

const server = createServer((request, response) => {
  const path = new URL(request.url ?? "/", "http://localhost").pathname;
  if (path.startsWith("/api/") && !isLocal(request)) {
    sendJson(response, 403, {
      detail: "This example serves clients on its own machine only",
      code: "FORBIDDEN",
    });
    return;
  }
  if (path === serverRoutes.proxy || path.startsWith(`${serverRoutes.proxy}/`))
    return void proxy(request, response);
  if (path === serverRoutes.token && tokens) return void tokens(request, response);
  if (path === serverRoutes.config && pageConfig) return sendJson(response, 200, pageConfig);
  app(request, response, () => {
    response.writeHead(404, { "content-type": "text/plain" }).end("Not found");
  });
});
await new Promise<void>((done) => server.listen(port, host, done));
const { port: boundPort } = server.address() as AddressInfo;
const url = `http://${host.includes(":") ? `[${host}]` : host}:${boundPort}`;
// The page's origin, as the browser may spell it: tokens work from these only (the API checks `Origin`).
const origins = [url, ...(host === "127.0.0.1" ? [`http://localhost:${boundPort}`] : [])];
// The emulator allows pages of any origin (its `corsOrigins`); the token still works from `origins` only.
pageConfig = { apiBaseUrl: apiUrl };
tokens = toNodeHandler(
  createTokenHandler({
    apiKey,
    baseUrl: apiUrl,
    allowAnonymous: true,
    expiresIn: tokenLifetime,
    allowedOrigins: origins,
    // Every model: the app offers more than the 20 names a token can list.
  }),
);
console.log(`Decart example ${dev ? "(dev) " : ""}on ${url}`);
const api = emulator ? `emulator ${emulator.url}` : `Decart API ${apiUrl}`;
console.log(`Proxy ${serverRoutes.proxy} → ${api}`);
console.log(`Tokens ${serverRoutes.token} (${tokenLifetime} s) → the page calls the ${api} itself`);

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
