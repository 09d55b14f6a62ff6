import type { IncomingMessage, ServerResponse } from "node:http";
import type { ProxyHandler } from "./handler";
import { serveThroughHandler } from "./node";

/** An Express/Connect-style middleware. */
export type ExpressMiddleware = (
  request: IncomingMessage & { originalUrl?: string },
  response: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/**
 * Adapts a fetch-style handler (from {@link createProxyHandler} or {@link createTokenHandler}) to Express
 * or Connect middleware. Mount the proxy at its path and before any body parser (`express.json()` would
 * consume the upload; the token handler reads what it parsed). Routes are matched on `originalUrl`, so
 * `mountPath` is the full path. Unexpected failures go to `next(error)`.
 *
 * @example
 * ```ts
 * import express from "express";
 * import { createProxyHandler, toExpressMiddleware } from "@decart/node";
 *
 * const app = express();
 * app.use(
 *   "/api/decart",
 *   toExpressMiddleware(
 *     createProxyHandler({
 *       mountPath: "/api/decart",
 *       models: ["lucy-pro-t2i"],
 *       secret: process.env.DECART_PROXY_SECRET,
 *       authorize: (request) => request.headers.get("cookie")?.includes("session=") ?? false,
 *     }),
 *   ),
 * );
 * app.listen(3000);
 * ```
 */
export function toExpressMiddleware(handler: ProxyHandler): ExpressMiddleware {
  return (request, response, next) => {
    serveThroughHandler(handler, request, response, request.originalUrl ?? request.url ?? "/").catch(next);
  };
}
