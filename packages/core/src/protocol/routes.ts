/**
 * The Process API's paths, built in one place. Every id is URI-encoded, so a model name or job id with
 * a `/` or a space cannot change which route a request reaches.
 *
 * @example
 * ```ts
 * import { routes } from "@decart/core/protocol";
 *
 * routes.submit("lucy-pro-t2v"); // "/v1/jobs/lucy-pro-t2v"
 * routes.content("job_abc123"); // "/v1/jobs/job_abc123/content"
 * ```
 */
export const routes = {
  /**
   * `POST /v1/generate/{model}`: a sync generation (image models), answered with the media bytes.
   * @example
   * ```ts
   * import { routes } from "@decart/core/protocol";
   * const path = routes.generate("lucy-pro-t2i"); // "/v1/generate/lucy-pro-t2i"
   * ```
   */
  generate: (model: string): string => `/v1/generate/${encodeURIComponent(model)}`,
  /**
   * `POST /v1/jobs/{model}`: submits a job, answered with `{ job_id, status }`.
   * @example
   * ```ts
   * import { routes } from "@decart/core/protocol";
   * const path = routes.submit("lucy-pro-t2v"); // "/v1/jobs/lucy-pro-t2v"
   * ```
   */
  submit: (model: string): string => `/v1/jobs/${encodeURIComponent(model)}`,
  /**
   * `GET /v1/jobs/{job_id}`: a job's status.
   * @example
   * ```ts
   * import { routes } from "@decart/core/protocol";
   * const path = routes.status("job_abc123"); // "/v1/jobs/job_abc123"
   * ```
   */
  status: (jobId: string): string => `/v1/jobs/${encodeURIComponent(jobId)}`,
  /**
   * `GET /v1/jobs/{job_id}/content`: a completed job's media bytes.
   * @example
   * ```ts
   * import { routes } from "@decart/core/protocol";
   * const path = routes.content("job_abc123"); // "/v1/jobs/job_abc123/content"
   * ```
   */
  content: (jobId: string): string => `/v1/jobs/${encodeURIComponent(jobId)}/content`,
  /**
   * `POST /v1/jobs/{job_id}/cancel`: an extension of this SDK's emulator; the real API is not known to
   * have it (a server without it answers 404).
   * @example
   * ```ts
   * import { routes } from "@decart/core/protocol";
   * const path = routes.cancel("job_abc123"); // "/v1/jobs/job_abc123/cancel"
   * ```
   */
  cancel: (jobId: string): string => `/v1/jobs/${encodeURIComponent(jobId)}/cancel`,
} as const;

/**
 * The name of one of the Process API's routes.
 *
 * @example
 * ```ts
 * import type { RouteName } from "@decart/core/protocol";
 *
 * const isRead = (route: RouteName) => route === "status" || route === "content";
 * ```
 */
export type RouteName = keyof typeof routes;

/**
 * A request matched to a route: its name and the decoded model name or job id from the path.
 *
 * @example
 * ```ts
 * import type { RouteMatch } from "@decart/core/protocol";
 *
 * const match: RouteMatch = { route: "status", jobId: "job_abc123" };
 * ```
 */
export interface RouteMatch {
  /** Which route the request is for. */
  route: RouteName;
  /** The model name, for `generate` and `submit`. */
  model?: string;
  /** The job id, for `status`, `content` and `cancel`. */
  jobId?: string;
}

const patterns: ReadonlyArray<{ method: string; pattern: RegExp; route: RouteName; id: "model" | "jobId" }> =
  [
    { method: "POST", pattern: /^\/v1\/generate\/([^/]+)$/, route: "generate", id: "model" },
    { method: "POST", pattern: /^\/v1\/jobs\/([^/]+)\/cancel$/, route: "cancel", id: "jobId" },
    { method: "GET", pattern: /^\/v1\/jobs\/([^/]+)\/content$/, route: "content", id: "jobId" },
    { method: "POST", pattern: /^\/v1\/jobs\/([^/]+)$/, route: "submit", id: "model" },
    { method: "GET", pattern: /^\/v1\/jobs\/([^/]+)$/, route: "status", id: "jobId" },
  ];

/**
 * Tells which of the five routes a request is for, from its method (in any case) and path (a query
 * string is ignored). Returns `undefined` for anything else, including a known path with the wrong
 * method or an id that is not valid URI encoding.
 *
 * @example
 * ```ts
 * import { matchRoute } from "@decart/core/protocol";
 *
 * matchRoute("post", "/v1/jobs/lucy-pro-t2v"); // { route: "submit", model: "lucy-pro-t2v" }
 * matchRoute("GET", "/v1/jobs/job_abc123/content"); // { route: "content", jobId: "job_abc123" }
 * matchRoute("DELETE", "/v1/jobs/job_abc123"); // undefined
 * ```
 */
export function matchRoute(method: string, pathname: string): RouteMatch | undefined {
  const upper = method.toUpperCase();
  const query = pathname.indexOf("?");
  const path = query === -1 ? pathname : pathname.slice(0, query);
  for (const { method: expected, pattern, route, id } of patterns) {
    if (upper !== expected) continue;
    const segment = pattern.exec(path)?.[1];
    if (segment === undefined) continue;
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return undefined;
    }
    return id === "model" ? { route, model: decoded } : { route, jobId: decoded };
  }
  return undefined;
}
