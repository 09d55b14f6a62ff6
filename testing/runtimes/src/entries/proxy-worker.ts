// The Node proxy handler of @decart/node served by workerd; the key and the upstream come as bindings.
import { createProxyHandler } from "@decart/node";
import { proxyOptions } from "../proxy-options";

interface Env {
  DECART_API_KEY: string;
  UPSTREAM_URL: string;
}

let handler: ((request: Request) => Promise<Response>) | undefined;

export default {
  fetch(request: Request, env: Env): Promise<Response> {
    handler ??= createProxyHandler(proxyOptions(env.DECART_API_KEY, env.UPSTREAM_URL));
    return handler(request);
  },
};
