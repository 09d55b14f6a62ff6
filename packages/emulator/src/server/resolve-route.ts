import { matchRoute, type RouteMatch, resourceRoutes } from "@decart/core/protocol";
import { HttpError, notFound } from "../http/index";

/**
 * A route the emulator serves besides the Process API's five of `@decart/core/protocol`'s `routes`: the
 * client tokens and files of Decart's 0.1.20 client (the protocol's `resourceRoutes`), and its own health
 * check and JWKS (ours).
 */
export type OwnRoute =
  | { readonly route: "health" }
  | { readonly route: "jwks" }
  | { readonly route: "createToken" }
  | { readonly route: "uploadFile" }
  | { readonly route: "getFile"; readonly fileId: string }
  | { readonly route: "deleteFile"; readonly fileId: string };

/** A request the server understood: one of the Process API's routes, or one of {@link OwnRoute}. */
export type ResolvedRoute = RouteMatch | OwnRoute;

/** The path of the JWKS route (ours): where jose's `createRemoteJWKSet` finds the emulator's keys. */
export const jwksPath = "/.well-known/jwks.json";

const healthPath = "/v1/health";

interface OwnPattern {
  readonly method: string;
  /** The path's id segment, still encoded (`""` for a path without one); `undefined` when it does not match. */
  readonly match: (path: string) => string | undefined;
  /** The route, given the path's decoded id. */
  readonly route: (id: string) => OwnRoute;
  /** Served only with extensions on. */
  readonly extension?: boolean;
}

const exactly =
  (expected: string) =>
  (path: string): string | undefined =>
    path === expected ? "" : undefined;

/** One non-empty segment after `prefix`. */
const idAfter =
  (prefix: string) =>
  (path: string): string | undefined => {
    const id = path.startsWith(prefix) ? path.slice(prefix.length) : "";
    return id !== "" && !id.includes("/") ? id : undefined;
  };

const filePrefix = `${resourceRoutes.files}/`;

const ownPatterns: readonly OwnPattern[] = [
  { method: "GET", match: exactly(healthPath), route: () => ({ route: "health" }) },
  { method: "GET", match: exactly(jwksPath), route: () => ({ route: "jwks" }), extension: true },
  { method: "POST", match: exactly(resourceRoutes.clientTokens), route: () => ({ route: "createToken" }) },
  { method: "POST", match: exactly(resourceRoutes.files), route: () => ({ route: "uploadFile" }) },
  { method: "GET", match: idAfter(filePrefix), route: (fileId) => ({ route: "getFile", fileId }) },
  { method: "DELETE", match: idAfter(filePrefix), route: (fileId) => ({ route: "deleteFile", fileId }) },
];

const methods = ["GET", "POST", "DELETE"] as const;

/** The emulator's own route for `method` and `path`; `undefined` when none (or the id is not valid URI encoding). */
function matchOwnRoute(method: string, path: string, extensions: boolean): OwnRoute | undefined {
  for (const { method: expected, match, route, extension } of ownPatterns) {
    if (method !== expected || (extension && !extensions)) continue;
    const id = match(path);
    if (id === undefined) continue;
    try {
      return route(decodeURIComponent(id));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * Resolves a request line to a route: the Process API's with the protocol's `matchRoute`, then the
 * emulator's own (HEAD reads like GET). A path no method serves is 404 `Not Found`; a served path with
 * the wrong method is 405 with `Allow`, as FastAPI answers. Without `extensions` the cancel and JWKS
 * routes do not exist: their paths are as unknown as any other. The ids come back decoded; they are only
 * ever looked up, never used to build a file path.
 */
export function resolveRoute(method: string, url: string, extensions: boolean): ResolvedRoute {
  const path = url.split("?", 1)[0] ?? "";
  const upper = method.toUpperCase();
  const read = upper === "HEAD" ? "GET" : upper;
  const served = (candidate: string): ResolvedRoute | undefined => {
    const match = matchRoute(candidate, path);
    if (match) return extensions || match.route !== "cancel" ? match : undefined;
    return matchOwnRoute(candidate, path, extensions);
  };
  const match = served(read);
  if (match) return match;
  const allowed = methods.filter((other) => served(other) !== undefined);
  if (allowed.length > 0) throw methodNotAllowed(allowed);
  throw notFound();
}

function methodNotAllowed(allowed: readonly string[]): HttpError {
  return new HttpError(405, "METHOD_NOT_ALLOWED", "Method Not Allowed", { allow: allowed.join(", ") });
}
