import type { Hooks } from "ky";
import type { DecartSDKError } from "../errors/index";
import type { JobStatus } from "../model/index";
import { now } from "../timing/index";
import { stateOf } from "../transport/index";

/**
 * What `beforeRequest` receives.
 *
 * @example
 * ```ts
 * import type { BeforeRequestState } from "@decart/core";
 *
 * const addHeader = ({ request }: BeforeRequestState) => request.headers.set("x-team", "media");
 * ```
 */
export interface BeforeRequestState {
  /** The request about to be sent. Change its headers in place, or return a new `Request`. A multipart body is attached when it is sent. */
  request: Request;
}

/**
 * What `afterResponse` receives, once per attempt, error responses included.
 *
 * @example
 * ```ts
 * import type { AfterResponseState } from "@decart/core";
 *
 * const record = ({ response, durationMs }: AfterResponseState) => console.log(response.status, durationMs);
 * ```
 */
export interface AfterResponseState {
  /** The request that was sent. */
  request: Request;
  /** A copy of the response; reading its body does not consume the SDK's. */
  response: Response;
  /** How many retries came before this attempt. */
  retryCount: number;
  /** Time from sending this attempt to receiving its headers, in milliseconds. */
  durationMs: number;
}

/**
 * What `beforeRetry` receives, before the client waits and tries again.
 *
 * @example
 * ```ts
 * import type { BeforeRetryState } from "@decart/core";
 *
 * const note = ({ retryCount, error }: BeforeRetryState) => console.warn(`retry ${retryCount}: ${error.message}`);
 * ```
 */
export interface BeforeRetryState {
  /** The request that will be sent again. */
  request: Request;
  /** Why the previous attempt failed. */
  error: Error;
  /** The number of this retry, from 1. */
  retryCount: number;
}

/**
 * What `onStatusChange` receives when a job changes status or reports progress.
 *
 * @example
 * ```ts
 * import type { StatusChangeState } from "@decart/core";
 *
 * const track = ({ jobId, status }: StatusChangeState) => console.log(jobId, status);
 * ```
 */
export interface StatusChangeState {
  /** The model's name. */
  model: string;
  /** The job's id; absent for image models, which have no job. */
  jobId: string | undefined;
  /** The new status. */
  status: JobStatus;
  /** The status before, if any. */
  previousStatus: JobStatus | undefined;
  /** Fraction done, 0..1, when known. */
  progress: number | undefined;
}

/**
 * What `onError` receives when a call is about to reject. Return an `Error` to reject with it instead.
 *
 * @example
 * ```ts
 * import type { ErrorState } from "@decart/core";
 *
 * const report = ({ error, operation }: ErrorState) => console.error(operation, error.code);
 * ```
 */
export interface ErrorState {
  /** The SDK error the call rejects with. */
  error: DecartSDKError;
  /**
   * What was being done: `process`, `queue.submit`, `queue.status`, `queue.result`, `queue.cancel`,
   * `tokens.create`, `files.upload`, `files.get`, `files.delete`.
   */
  operation: string;
}

type MaybePromise<T> = T | Promise<T>;
// Hooks "return something or nothing": `void` (not `undefined`) lets an expression-bodied arrow whose
// value is void, such as `({ request }) => request.headers.set(...)`, be a hook.

/**
 * Hooks into the transport and the job lifecycle. Every hook is optional, receives a state
 * object and may return something or nothing; plugins run in the order given.
 *
 * @example
 * ```ts
 * import { createDecartClient, type DecartPlugin } from "@decart/core";
 *
 * const traceHeader: DecartPlugin = {
 *   name: "trace",
 *   beforeRequest({ request }) {
 *     request.headers.set("x-trace-id", crypto.randomUUID());
 *   },
 * };
 * const client = createDecartClient({ apiKey: "key", plugins: [traceHeader] });
 * ```
 */
export interface DecartPlugin {
  /**
   * Shown in diagnostics.
   */
  name?: string;
  /**
   * Before a request is first sent. Return a `Request` to send that instead, or a `Response` to answer
   * without the network.
   * @example
   * ```ts
   * const plugin = { beforeRequest: ({ request }: { request: Request }) => request.headers.set("x-app", "demo") };
   * ```
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: a hook may return nothing (see MaybePromise)
  beforeRequest?(state: BeforeRequestState): MaybePromise<Request | Response | void>;
  /**
   * After each response arrives (errors included). Return a `Response` to replace it.
   * @example
   * ```ts
   * const plugin = { afterResponse: ({ response }: { response: Response }) => void console.log(response.status) };
   * ```
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: a hook may return nothing (see MaybePromise)
  afterResponse?(state: AfterResponseState): MaybePromise<Response | void>;
  /**
   * Before a failed request is retried.
   * @example
   * ```ts
   * const plugin = { beforeRetry: ({ retryCount }: { retryCount: number }) => void console.log("retry", retryCount) };
   * ```
   */
  beforeRetry?(state: BeforeRetryState): MaybePromise<void>;
  /**
   * When a job's status or progress changes.
   * @example
   * ```ts
   * const plugin = { onStatusChange: ({ status }: { status: string }) => void console.log(status) };
   * ```
   */
  onStatusChange?(state: StatusChangeState): void;
  /**
   * When a call is about to reject. Return an `Error` to reject with it instead.
   * @example
   * ```ts
   * const plugin = { onError: ({ error }: { error: Error }) => void console.error(error.message) };
   * ```
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: a hook may return nothing (see MaybePromise)
  onError?(state: ErrorState): MaybePromise<Error | void>;
}

/** Records a hook's failure as final (a plugin's bug is not worth a retry) and returns it to rethrow. */
function failed(options: object, error: unknown): unknown {
  const state = stateOf(options);
  state.retryable = false;
  state.failure = error;
  state.hookFailed = true;
  return error;
}

/** Bridges plugins to ky hooks; only hooks some plugin uses are installed, so the hot path stays bare. */
export function pluginHooks(plugins: readonly DecartPlugin[]): Hooks {
  const hooks: Hooks = {};
  const before = plugins.filter((plugin) => plugin.beforeRequest);
  const after = plugins.filter((plugin) => plugin.afterResponse);
  const retry = plugins.filter((plugin) => plugin.beforeRetry);
  if (before.length > 0) {
    hooks.beforeRequest = before.map((plugin) => async (request, options) => {
      // ky 1 runs these before every attempt, on a copy of the last one; plugins see the first only.
      if (stateOf(options).attempts > 0) return;
      try {
        return (await plugin.beforeRequest?.({ request })) ?? undefined;
      } catch (error) {
        throw failed(options, error);
      }
    });
  }
  if (after.length > 0) {
    hooks.afterResponse = after.map((plugin) => async (request, options, response) => {
      const { retryCount, startedAt, headersAt } = stateOf(options);
      // The body of a read was taken in before this hook runs: the time is to the headers, as documented.
      const durationMs = (headersAt ?? now()) - startedAt;
      try {
        return (await plugin.afterResponse?.({ request, response, retryCount, durationMs })) ?? undefined;
      } catch (error) {
        throw failed(options, error);
      }
    });
  }
  if (retry.length > 0) {
    hooks.beforeRetry = retry.map((plugin) => async ({ request, options, error, retryCount }) => {
      try {
        await plugin.beforeRetry?.({ request, error, retryCount });
      } catch (failure) {
        throw failed(options, failure);
      }
    });
  }
  return hooks;
}

/** Tells every plugin about a status change; a throwing plugin never breaks the call. */
export function notifyStatusChange(plugins: readonly DecartPlugin[], state: StatusChangeState): void {
  for (const plugin of plugins) {
    try {
      plugin.onStatusChange?.(state);
    } catch {
      // A listener's bug must not fail the generation it observes.
    }
  }
}

/** Runs `onError` hooks in order; each may replace the error. */
export async function applyErrorHooks(
  plugins: readonly DecartPlugin[],
  error: DecartSDKError,
  operation: string,
): Promise<Error> {
  let current: Error = error;
  for (const plugin of plugins) {
    if (!plugin.onError) continue;
    const replaced = await plugin.onError({ error: current as DecartSDKError, operation });
    if (replaced instanceof Error) current = replaced;
  }
  return current;
}
