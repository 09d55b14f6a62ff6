import { headers } from "../protocol/index";
import type { DecartPlugin } from "./plugins";

/**
 * Severity of a log entry.
 *
 * @example
 * ```ts
 * import type { LogLevel } from "@decart/core";
 *
 * const level: LogLevel = "debug";
 * ```
 */
export type LogLevel = "debug" | "info" | "warn" | "error";

/**
 * One structured log entry. It never holds headers, so the API key cannot leak through it.
 *
 * @example
 * ```ts
 * import type { LogEntry } from "@decart/core";
 *
 * const toJson = (entry: LogEntry) => JSON.stringify(entry);
 * ```
 */
export interface LogEntry {
  /** How severe the entry is: `info` for a successful response, `warn` for an error status or a retry. */
  level: LogLevel;
  /** A one-line summary, such as `POST /v1/jobs/lucy-pro-t2v 200 12ms req_abc`. */
  message: string;
  /** HTTP method of the request, such as `POST`. */
  method?: string;
  /** URL path, without the query string. */
  path?: string;
  /** HTTP status of the response, or of the failed call. */
  status?: number;
  /** Time from sending the attempt to receiving its headers, in whole milliseconds. */
  durationMs?: number;
  /** The server's `x-request-id`, to quote when reporting a problem. */
  requestId?: string;
  /** How many retries came before this attempt. */
  retryCount?: number;
  /** The job the entry is about (status changes of video jobs). */
  jobId?: string;
}

/**
 * Options for {@link loggerPlugin}.
 *
 * @example
 * ```ts
 * import { loggerPlugin } from "@decart/core";
 *
 * const plugin = loggerPlugin({ level: "debug", log: (entry) => console.log(JSON.stringify(entry)) });
 * ```
 */
export interface LoggerPluginOptions {
  /**
   * Where entries go.
   * @default console.debug / console.info / console.warn / console.error by level, printing `message`
   */
  log?: (entry: LogEntry) => void;
  /**
   * The least severe level logged: `debug` adds job status changes.
   * @default "info"
   */
  level?: LogLevel;
}

const rank: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

function consoleLog(entry: LogEntry): void {
  const write = globalThis.console?.[entry.level] ?? globalThis.console?.log;
  write?.call(globalThis.console, `[decart] ${entry.message}`);
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.split("?", 1)[0] ?? url;
  }
}

/**
 * Logs every HTTP attempt (method, path, status, duration, request id, retry count), every retry,
 * every job status change (at `debug`) and every failure. It never logs headers or bodies, so the API
 * key is never printed.
 *
 * @example
 * ```ts
 * import { createDecartClient, loggerPlugin } from "@decart/core";
 *
 * const client = createDecartClient({ apiKey: "key", plugins: [loggerPlugin({ level: "debug" })] });
 * ```
 */
export function loggerPlugin(options: LoggerPluginOptions = {}): DecartPlugin {
  const log = options.log ?? consoleLog;
  const threshold = rank[options.level ?? "info"];
  const emit = (entry: LogEntry) => {
    if (rank[entry.level] >= threshold) log(entry);
  };
  return {
    name: "logger",
    afterResponse({ request, response, retryCount, durationMs }) {
      const path = pathOf(request.url);
      const requestId = response.headers.get(headers.requestId) ?? undefined;
      const duration = Math.round(durationMs);
      const parts = [request.method, path, String(response.status), `${duration}ms`];
      if (requestId) parts.push(requestId);
      if (retryCount > 0) parts.push(`retry ${retryCount}`);
      emit({
        level: response.ok ? "info" : "warn",
        message: parts.join(" "),
        method: request.method,
        path,
        status: response.status,
        durationMs: duration,
        ...(requestId ? { requestId } : {}),
        retryCount,
      });
    },
    beforeRetry({ request, error, retryCount }) {
      const path = pathOf(request.url);
      emit({
        level: "warn",
        message: `${request.method} ${path} retry ${retryCount} after: ${error.message}`,
        method: request.method,
        path,
        retryCount,
      });
    },
    onStatusChange({ model, jobId, status, progress }) {
      const percent = progress === undefined ? "" : ` ${Math.round(progress * 100)}%`;
      emit({
        level: "debug",
        message: `${model}${jobId ? ` job ${jobId}` : ""} ${status}${percent}`,
        ...(jobId ? { jobId } : {}),
      });
    },
    onError({ error, operation }) {
      emit({
        level: "error",
        message: `${operation} failed: ${error.name}: ${error.message}${error.requestId ? ` (${error.requestId})` : ""}`,
        ...(error.status ? { status: error.status } : {}),
        ...(error.requestId ? { requestId: error.requestId } : {}),
      });
    },
  };
}
