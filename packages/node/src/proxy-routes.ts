/** A Process API route the proxy forwards. */
export type ProxyRouteName = "generate" | "submit" | "status" | "content" | "cancel";

/** What {@link matchProxyRoute} found: a route, a path outside the API (404) or a wrong method (405). */
export type ProxyRouteMatch =
  | { kind: "route"; route: ProxyRouteName; model?: string; jobId?: string }
  | { kind: "not-found" }
  | { kind: "wrong-method"; allow: readonly string[] };

const segment = /^[A-Za-z0-9_~-][A-Za-z0-9._~-]*$/;

/**
 * Matches a request against the five Process API routes, after the mount path. Segments must be plain
 * (no percent-encoding, no dot segments): the proxy never forwards a path it did not build itself.
 */
export function matchProxyRoute(
  method: string,
  pathname: string,
  mountPath: string | undefined,
): ProxyRouteMatch {
  let rest: string;
  if (mountPath !== undefined) {
    if (!pathname.startsWith(`${mountPath}/`)) return { kind: "not-found" };
    rest = pathname.slice(mountPath.length);
  } else {
    const start = pathname.indexOf("/v1/");
    if (start === -1) return { kind: "not-found" };
    rest = pathname.slice(start);
  }
  const parts = rest.split("/").slice(1);
  if (parts[0] !== "v1" || parts.slice(2).some((part) => !segment.test(part))) return { kind: "not-found" };
  const candidates = routesFor(parts);
  if (candidates.length === 0) return { kind: "not-found" };
  const found = candidates.find((candidate) => candidate.method === method.toUpperCase());
  if (!found) return { kind: "wrong-method", allow: candidates.map((candidate) => candidate.method) };
  const [, , name] = parts as [string, string, string];
  return found.route === "generate" || found.route === "submit"
    ? { kind: "route", route: found.route, model: name }
    : { kind: "route", route: found.route, jobId: name };
}

function routesFor(parts: readonly string[]): { method: string; route: ProxyRouteName }[] {
  const [, area, , action] = parts;
  if (parts.length === 3 && area === "generate") return [{ method: "POST", route: "generate" }];
  if (parts.length === 3 && area === "jobs") {
    return [
      { method: "GET", route: "status" },
      { method: "POST", route: "submit" },
    ];
  }
  if (parts.length === 4 && area === "jobs" && action === "content")
    return [{ method: "GET", route: "content" }];
  if (parts.length === 4 && area === "jobs" && action === "cancel")
    return [{ method: "POST", route: "cancel" }];
  return [];
}

/** The upstream path of a route, ids URI-encoded. */
export function upstreamPath(route: ProxyRouteName, name: string): string {
  const id = encodeURIComponent(name);
  switch (route) {
    case "generate":
      return `/v1/generate/${id}`;
    case "submit":
    case "status":
      return `/v1/jobs/${id}`;
    case "content":
      return `/v1/jobs/${id}/content`;
    case "cancel":
      return `/v1/jobs/${id}/cancel`;
  }
}
