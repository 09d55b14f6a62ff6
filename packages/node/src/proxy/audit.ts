import type { RouteName } from "@decart/core/protocol";

/**
 * One forwarded request, as the proxy's `onForward` option reports it: never the key, never the media.
 *
 * @example
 * ```ts
 * import type { ProxyForwardEvent } from "@decart/node";
 *
 * const onForward = ({ subject, model, status, ms }: ProxyForwardEvent) =>
 *   console.log(`${subject ?? "anonymous"} ${model ?? "-"} ${status} in ${ms} ms`);
 * ```
 */
export interface ProxyForwardEvent {
  /** The subject `authorize` named; `undefined` for `true` or anonymous requests. */
  subject: string | undefined;
  /** The model, on `generate` and `submit`. */
  model: string | undefined;
  /** Which Process API route was forwarded. */
  route: RouteName;
  /** The status the browser got. */
  status: number;
  /** Bytes of the response body sent to the browser. */
  bytes: number;
  /** Milliseconds from the request's arrival to the end of its response body. */
  ms: number;
}

/**
 * One request the proxy answered itself, without forwarding it, as the proxy's `onRefuse` option reports
 * it: who was turned away, from what, and why. Never the key, never the media, never the request's headers.
 *
 * @example
 * ```ts
 * import type { ProxyRefusalEvent } from "@decart/node";
 *
 * const onRefuse = ({ subject, code, route }: ProxyRefusalEvent) => {
 *   if (code === "JOB_NOT_FOUND") console.warn(`${subject} asked for a job that is not theirs (${route})`);
 * };
 * ```
 */
export interface ProxyRefusalEvent {
  /** The subject `authorize` named, once it had; `undefined` before that, for `true` and anonymous requests. */
  subject: string | undefined;
  /** The model asked for, on `generate` and `submit` routes. */
  model: string | undefined;
  /** The Process API route asked for; `undefined` when the path or method is not one. */
  route: RouteName | undefined;
  /** The status the browser got: 403, 404, 405, 413, 429, 503… */
  status: number;
  /** The `code` of the answer's body: `FORBIDDEN`, `MODEL_NOT_ALLOWED`, `JOB_NOT_FOUND`, `RATE_LIMITED`… */
  code: string;
  /** Milliseconds from the request's arrival to the refusal. */
  ms: number;
}

/** What the proxy has learnt of one request so far, for whichever report it ends with. */
export interface AuditTrail {
  readonly started: number;
  subject?: string | undefined;
  model?: string | undefined;
  route?: RouteName | undefined;
}

/** Calls an audit hook after the answer has gone, never letting it throw into the request. */
export function callHook<E>(hook: ((event: E) => void | Promise<void>) | undefined, event: () => E): void {
  if (!hook) return;
  const value = event();
  void Promise.resolve()
    .then(() => hook(value))
    .catch(() => {});
}
