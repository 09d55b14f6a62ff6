import { HttpError } from "./http-error";

/** A request the router understood. Model names and job ids are checked for shape, not existence. */
export type Route =
  | { readonly kind: "health" }
  | { readonly kind: "generate"; readonly model: string }
  | { readonly kind: "submit"; readonly model: string }
  | { readonly kind: "status"; readonly jobId: string }
  | { readonly kind: "content"; readonly jobId: string }
  | { readonly kind: "cancel"; readonly jobId: string };

/** Job ids the server hands out: `job_` and 24 lowercase hex digits. Anything else is not a job. */
export const jobIdPattern = /^job_[0-9a-f]{24}$/;
const modelNamePattern = /^[a-z0-9][a-z0-9._-]{0,63}$/;

const notFound = () => new HttpError(404, "NOT_FOUND", "No such endpoint");

const methodNotAllowed = (allowed: string) =>
  new HttpError(405, "METHOD_NOT_ALLOWED", `Use ${allowed} for this endpoint`, { allow: allowed });

const jobNotFound = () => new HttpError(404, "JOB_NOT_FOUND", "No job with that id");

function modelName(segment: string): string {
  if (!modelNamePattern.test(segment)) {
    throw new HttpError(404, "MODEL_NOT_FOUND", "No model with that name");
  }
  return segment;
}

function jobId(segment: string): string {
  if (!jobIdPattern.test(segment)) throw jobNotFound();
  return segment;
}

function expect(method: string, allowed: "GET" | "POST"): void {
  if (method === allowed) return;
  if (allowed === "GET" && method === "HEAD") return;
  throw methodNotAllowed(allowed);
}

/**
 * Matches a request line to a route. The path is matched raw (never percent-decoded), so `%2e%2e`,
 * `..` and encoded slashes can only ever fail the strict id and name patterns.
 */
export function matchRoute(method: string, url: string): Route {
  const path = url.split("?", 1)[0] ?? "";
  if (!path.startsWith("/")) throw notFound();
  const segments = path.slice(1).split("/");
  if (segments[0] !== "v1") throw notFound();
  const [, area, first, second, ...rest] = segments;
  if (rest.length > 0) throw notFound();

  if (area === "health" && first === undefined) {
    expect(method, "GET");
    return { kind: "health" };
  }
  if (area === "generate" && first !== undefined && second === undefined) {
    expect(method, "POST");
    return { kind: "generate", model: modelName(first) };
  }
  if (area === "jobs" && first !== undefined) {
    if (second === undefined) {
      if (method === "POST") return { kind: "submit", model: modelName(first) };
      if (method === "GET" || method === "HEAD") return { kind: "status", jobId: jobId(first) };
      throw methodNotAllowed("GET, POST");
    }
    if (second === "content") {
      expect(method, "GET");
      return { kind: "content", jobId: jobId(first) };
    }
    if (second === "cancel") {
      expect(method, "POST");
      return { kind: "cancel", jobId: jobId(first) };
    }
  }
  throw notFound();
}
