import type { ProxyOptions } from "@decart/node";

/** The options every proxy of the matrix is created with, mounted at `/api/decart`. */
export function proxyOptions(apiKey: string, upstream: string): ProxyOptions {
  return { apiKey, baseUrl: upstream, mountPath: "/api/decart" };
}
