import { clauseFor } from "../errors/index";

/**
 * One field a server rejected: the field's dot path and the server's words about it.
 *
 * @example
 * ```ts
 * import type { ErrorBodyIssue } from "@decart/core/protocol";
 *
 * const issue: ErrorBodyIssue = { field: "prompt", message: "Field required" };
 * ```
 */
export interface ErrorBodyIssue {
  /** Dot path of the field (`prompt`, `trajectory.0.x`); empty when the server named none. */
  field: string;
  /** What was wrong with it, as the server said. */
  message: string;
}

/**
 * What an error body says, whatever its shape: one readable message, a machine code when the server
 * sent one, and the fields of a validation failure.
 *
 * @example
 * ```ts
 * import type { ErrorBodyInfo } from "@decart/core/protocol";
 *
 * const info: ErrorBodyInfo = { message: "prompt: Field required", issues: [{ field: "prompt", message: "Field required" }] };
 * ```
 */
export interface ErrorBodyInfo {
  /** The message, once; absent when the body said nothing readable. */
  message?: string;
  /** A machine code (`code` beside `detail` is an extension; older bodies nest it in `error`). */
  code?: string;
  /** One entry per rejected field, from FastAPI's list form of `detail`. */
  issues?: ErrorBodyIssue[];
}

const maxMessageLength = 300;

/** Collapses whitespace, reduces HTML to its title (or its text), and caps the length. */
function summarizeText(text: string): string | undefined {
  let summary = text;
  if (/<(!doctype|html|body|head|title)\b/i.test(text)) {
    const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(text)?.[1];
    summary =
      title?.trim() ||
      text.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/gi, " ").replace(/<[^>]+>/g, " ");
  }
  summary = summary.replace(/\s+/g, " ").trim();
  if (summary === "") return undefined;
  return summary.length > maxMessageLength ? `${summary.slice(0, maxMessageLength - 3)}...` : summary;
}

const locationPrefixes = new Set(["body", "query", "form"]);

/** One item of FastAPI's list-form `detail`: `{ loc, msg, type }`, or a bare string. */
function readIssue(item: unknown): ErrorBodyIssue | undefined {
  if (typeof item === "string") return { field: "", message: item };
  if (typeof item !== "object" || item === null) return undefined;
  const record = item as Record<string, unknown>;
  const message = [record.msg, record.message].find((value) => typeof value === "string") as
    | string
    | undefined;
  if (message === undefined) return undefined;
  const location = Array.isArray(record.loc) ? record.loc.map(String) : [];
  if (locationPrefixes.has(location[0] as string)) location.shift();
  return { field: location.join("."), message };
}

function firstString(...values: unknown[]): string | undefined {
  return values.find((value) => typeof value === "string" && value.trim() !== "") as string | undefined;
}

/** Reads a parsed JSON object of any known error shape. */
function readObject(record: Record<string, unknown>, text: string): ErrorBodyInfo {
  const info: ErrorBodyInfo = {};
  const { detail, error } = record;
  let code = record.code;
  let message: string | undefined;
  if (Array.isArray(detail)) {
    const issues = detail.map(readIssue).filter((issue) => issue !== undefined);
    if (issues.length > 0) {
      info.issues = issues;
      message = issues.map(clauseFor).join("; ");
    }
  } else if (typeof detail === "object" && detail !== null) {
    const inner = detail as Record<string, unknown>;
    message = firstString(inner.message, inner.msg);
    code ??= inner.code;
  } else {
    message = firstString(detail);
  }
  if (typeof error === "object" && error !== null) {
    const inner = error as Record<string, unknown>;
    message ??= firstString(inner.message);
    code ??= inner.code;
  }
  message ??= firstString(error, record.message) ?? summarizeText(text);
  if (message !== undefined) info.message = summarizeText(message) ?? message;
  if (typeof code === "string" && code !== "") info.code = code;
  return info;
}

/**
 * Reads an error response body of any shape a client meets into one message, shown once:
 * FastAPI's `{"detail": "..."}` and its validation list `{"detail": [{"loc": ["body", "prompt"], "msg":
 * "..."}]}` (each entry an issue naming its field), the extension `code` beside `detail`, the older
 * `{"error": {"message", "code"}}`, `{"message": "..."}`, plain text, HTML (its title, else its text) and
 * an empty body (`{}`). JSON is recognised by the content type or by a body that parses as an object.
 * Never throws.
 *
 * @example
 * ```ts
 * import { readErrorBody } from "@decart/core/protocol";
 *
 * readErrorBody('{"detail":[{"loc":["body","prompt"],"msg":"Field required","type":"missing"}]}', "application/json");
 * // { message: "prompt: Field required", issues: [{ field: "prompt", message: "Field required" }] }
 * readErrorBody("<html><title>502 Bad Gateway</title></html>", "text/html"); // { message: "502 Bad Gateway" }
 * ```
 */
export function readErrorBody(text: string, contentType?: string | null): ErrorBodyInfo {
  const trimmed = text.trim();
  if (trimmed === "") return {};
  if (/json/i.test(contentType ?? "") || trimmed.startsWith("{")) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
        return readObject(parsed as Record<string, unknown>, trimmed);
      }
      if (typeof parsed === "string") {
        const message = summarizeText(parsed);
        return message === undefined ? {} : { message };
      }
    } catch {
      // A truncated or malformed JSON body is summarised as text.
    }
  }
  const message = summarizeText(text);
  return message === undefined ? {} : { message };
}

/**
 * Options for {@link errorBody}.
 *
 * @example
 * ```ts
 * import type { ErrorBodyOptions } from "@decart/core/protocol";
 *
 * const strict: ErrorBodyOptions = { extensions: false };
 * ```
 */
export interface ErrorBodyOptions {
  /**
   * Whether to add the extension field `code` beside `detail`; off, the body is exactly what the real
   * API is known to send.
   * @default true
   * @example
   * ```ts
   * const options = { extensions: false };
   * ```
   */
  extensions?: boolean;
}

/**
 * An error body as a server sends it (see {@link errorBody}).
 *
 * @example
 * ```ts
 * import type { ErrorBody } from "@decart/core/protocol";
 *
 * const body: ErrorBody = { detail: "Job not found", code: "NOT_FOUND" };
 * ```
 */
export interface ErrorBody {
  /** The message, or FastAPI's list of rejected fields. */
  detail:
    | string
    | Array<{
        /** Where the rejected value sits: `["body", "prompt"]`. */
        loc: Array<string | number>;
        /** What is wrong with it. */
        msg: string;
        /** A machine-readable kind, such as `missing`. */
        type: string;
      }>;
  /** A machine code (extension). */
  code?: string;
}

/**
 * Builds the JSON body a server answers an error with, FastAPI style: `{"detail": message}`, or with
 * `issues` FastAPI's list form (`loc` is `["body", ...field path]`, numeric segments as numbers), plus
 * `code` when extensions are on. {@link readErrorBody} reads it back.
 *
 * @example
 * ```ts
 * import { errorBody } from "@decart/core/protocol";
 *
 * JSON.stringify(errorBody({ message: "Job not found", code: "NOT_FOUND" }, { extensions: false }));
 * // '{"detail":"Job not found"}'
 * errorBody({ message: "prompt is required", issues: [{ field: "prompt", message: "Field required" }] });
 * // { detail: [{ loc: ["body", "prompt"], msg: "Field required", type: "value_error" }] }
 * ```
 */
export function errorBody(
  error: { message: string; code?: string; issues?: readonly ErrorBodyIssue[] },
  options: ErrorBodyOptions = {},
): ErrorBody {
  const issues = error.issues ?? [];
  const body: ErrorBody = {
    detail:
      issues.length === 0
        ? error.message
        : issues.map((issue) => ({
            loc: [
              "body",
              ...(issue.field === ""
                ? []
                : issue.field
                    .split(".")
                    .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment))),
            ],
            msg: issue.message,
            type: "value_error",
          })),
  };
  if ((options.extensions ?? true) && error.code !== undefined) body.code = error.code;
  return body;
}
