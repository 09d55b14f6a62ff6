import { createServer, request as forward, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** Where a page with a client token calls the API, and how to stop what serves it. */
export interface BrowserApi {
  url: string;
  close(): Promise<void>;
}

/** Headers of the API's answers the SDK reads: the browser hides any other from a cross-origin page. */
const exposed = "x-request-id, retry-after, x-decart-seed, content-type, content-length";

const loopback = (url: string) => ["127.0.0.1", "localhost", "[::1]"].includes(new URL(url).hostname);

/** Whether the API answers a CORS preflight for a generation from `origin`. */
async function answersPreflight(apiUrl: string, origin: string): Promise<boolean> {
  try {
    const response = await fetch(`${apiUrl}/v1/generate/lucy-pro-t2i`, {
      method: "OPTIONS",
      headers: {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "x-api-key",
      },
    });
    await response.body?.cancel();
    return response.headers.has("access-control-allow-origin");
  } catch {
    return false;
  }
}

/**
 * The address a page with a client token calls: the API itself, unless it is the local emulator and that
 * answers no CORS preflight. A page on this app's origin cannot call such a server (the browser refuses),
 * so until the emulator sends CORS headers itself, the example serves it through this pass-through on
 * loopback: it answers the preflights of `origins()`, adds `Access-Control-Allow-Origin` to the answers,
 * and forwards every request and answer as it is (the page's `ek_` key included; it adds no key). Once
 * the emulator answers preflights, this is never started.
 */
export async function browserApi(apiUrl: string, origins: () => string[]): Promise<BrowserApi> {
  const direct: BrowserApi = { url: apiUrl, close: async () => {} };
  if (!loopback(apiUrl) || (await answersPreflight(apiUrl, origins()[0] ?? "http://127.0.0.1")))
    return direct;
  const target = new URL(apiUrl);
  const server: Server = createServer((request, response) => {
    const origin = request.headers.origin;
    const cors: Record<string, string> =
      origin !== undefined && origins().includes(origin)
        ? { "access-control-allow-origin": origin, "access-control-expose-headers": exposed, vary: "Origin" }
        : { vary: "Origin" };
    if (request.method === "OPTIONS" && request.headers["access-control-request-method"]) {
      response.writeHead(204, {
        ...cors,
        "access-control-allow-methods": "GET, POST, DELETE",
        "access-control-allow-headers": request.headers["access-control-request-headers"] ?? "",
        "access-control-max-age": "600",
      });
      response.end();
      return;
    }
    const headers: IncomingHttpHeaders = { ...request.headers, host: target.host };
    const upstream = forward(
      { host: target.hostname, port: target.port, path: request.url, method: request.method, headers },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, { ...answer.headers, ...cors });
        answer.pipe(response);
      },
    );
    upstream.on("error", () => {
      if (!response.headersSent) response.writeHead(502, cors);
      response.end();
    });
    request.pipe(upstream);
    // A page that goes away (a cancelled download) drops the emulator's request too.
    response.on("close", () => {
      if (!response.writableFinished) upstream.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
