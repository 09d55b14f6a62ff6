import { matchRoute, type RouteName } from "@decart/core/protocol";

/** What {@link matchProxyRoute} found: a route, a path outside the API (404) or a wrong method (405). */
export type ProxyRouteMatch =
  | { kind: "route"; route: RouteName; model?: string; jobId?: string }
  | { kind: "not-found" }
  | { kind: "wrong-method"; allow: readonly string[] };

const methods = ["GET", "POST"] as const;

/**
 * Matches a request against the five Process API routes (the protocol's `matchRoute`) once the mount
 * path is taken off; when only the method is wrong, says which methods the path takes.
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
  const match = matchRoute(method, rest);
  if (match) return { kind: "route", ...match };
  const allow = methods.filter((other) => matchRoute(other, rest) !== undefined);
  return allow.length > 0 ? { kind: "wrong-method", allow } : { kind: "not-found" };
}
