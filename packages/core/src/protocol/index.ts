// The wire protocol: routes (the Process API's, and apart from them the client tokens' and files'),
// headers, job statuses, error bodies and the form codec. This index is also the `@decart/core/protocol`
// entry, so it exports exactly that public API. Imports only errors/ (how an
// issue reads as a clause, shared with the client's errors).
/**
 * The Process API's wire protocol, written once: routes, headers, job statuses, error bodies and the
 * form codec. The client, the Node proxy and the emulator all import it from `@decart/core/protocol`.
 *
 * @example
 * ```ts
 * import { matchRoute, readJobStatus, routes } from "@decart/core/protocol";
 *
 * const path = routes.status("job_abc123");
 * const match = matchRoute("GET", path); // { route: "status", jobId: "job_abc123" }
 * const job = readJobStatus({ job_id: "job_abc123", status: "processing" });
 * ```
 *
 * @packageDocumentation
 */
export {
  type ErrorBody,
  type ErrorBodyInfo,
  type ErrorBodyIssue,
  type ErrorBodyOptions,
  errorBody,
  readErrorBody,
} from "./errors-body";
export { encodeFormValue, parseFormBoolean, parseFormJson, parseFormNumber } from "./form";
export { headers } from "./headers";
export { resourceRoutes } from "./resource-routes";
export { matchRoute, type RouteMatch, type RouteName, routes } from "./routes";
export { sniffLength, sniffMediaType } from "./sniff";
export {
  extensionStatuses,
  isTerminalStatus,
  type JobStatusBody,
  jobStatuses,
  type KnownJobStatus,
  readJobStatus,
} from "./statuses";
