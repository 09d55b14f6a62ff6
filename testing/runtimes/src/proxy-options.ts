import type { ProxyOptions } from "@decart/node";

/**
 * The options every proxy of the matrix is created with, mounted at `/api/decart`: open to anonymous
 * callers (loopback only), with a fresh secret for the job ids of this instance.
 */
export function proxyOptions(apiKey: string, upstream: string): ProxyOptions {
  const secret = `${crypto.randomUUID()}${crypto.randomUUID()}`;
  return { apiKey, baseUrl: upstream, mountPath: "/api/decart", allowAnonymous: true, secret };
}
