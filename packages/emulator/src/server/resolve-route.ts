import { matchRoute, type RouteMatch } from "@decart/core/protocol";
import { HttpError, notFound } from "../http/index";

/** A request the server understood: one of the Process API's routes, or the emulator's own health check. */
export type ResolvedRoute = RouteMatch | { readonly route: "health" };

const healthPath = "/v1/health";

/**
 * Resolves a request line to a route with the protocol's `matchRoute` (HEAD reads like GET). A path no
 * method serves is 404 `Not Found`; a served path with the wrong method is 405 with `Allow`, as FastAPI
 * answers. Without `extensions` the cancel route does not exist: its path is as unknown as any other.
 * The ids come back decoded; they are only ever looked up, never used to build a file path.
 */
export function resolveRoute(method: string, url: string, extensions: boolean): ResolvedRoute {
  const path = url.split("?", 1)[0] ?? "";
  const read = method.toUpperCase() === "HEAD" ? "GET" : method;
  if (path === healthPath) {
    if (read.toUpperCase() === "GET") return { route: "health" };
    throw methodNotAllowed(["GET"]);
  }
  const served = (candidate: string) => {
    const match = matchRoute(candidate, path);
    return match && (extensions || match.route !== "cancel") ? match : undefined;
  };
  const match = served(read);
  if (match) return match;
  const allowed = ["GET", "POST"].filter((other) => served(other) !== undefined);
  if (allowed.length > 0) throw methodNotAllowed(allowed);
  throw notFound();
}

function methodNotAllowed(allowed: readonly string[]): HttpError {
  return new HttpError(405, "METHOD_NOT_ALLOWED", "Method Not Allowed", { allow: allowed.join(", ") });
}
