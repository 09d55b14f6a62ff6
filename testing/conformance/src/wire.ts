import { expect } from "vitest";
import type { Connection } from "./targets";

/** Every job status an official client knows. */
export const knownStatuses = ["pending", "processing", "completed", "failed"] as const;

/** A raw request to `path` with the target's key (or `key`, `null` for none). */
export function call(
  connection: Connection,
  path: string,
  init: RequestInit & { key?: string | null } = {},
): Promise<Response> {
  const { key = connection.apiKey, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (key !== null) headers.set("X-API-KEY", key);
  return fetch(`${connection.url}${path}`, { ...rest, headers });
}

/** A multipart body as the JavaScript clients build it: `FormData`, numbers and booleans as text. */
export function jsForm(inputs: Record<string, unknown>): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(inputs)) {
    if (value === undefined || value === null) continue;
    if (value instanceof Blob) form.append(name, value);
    else if (typeof value === "object") form.append(name, JSON.stringify(value));
    else form.append(name, String(value));
  }
  return form;
}

/** A field as the Python SDK sends it: text already in Python's spelling, or raw file bytes. */
export type PythonPart = { name: string; text: string } | { name: string; bytes: Uint8Array };

/**
 * A multipart body as the Python SDK builds it: every text part with `Content-Type: text/plain;
 * charset=utf-8`, every file part named by its field, as `application/octet-stream`.
 */
export function pythonForm(parts: readonly PythonPart[]): { body: Uint8Array; contentType: string } {
  const boundary = "python-sdk-boundary-7f3a";
  const encoder = new TextEncoder();
  const chunks: Uint8Array[] = [];
  for (const part of parts) {
    const head =
      "text" in part
        ? `Content-Disposition: form-data; name="${part.name}"\r\nContent-Type: text/plain; charset=utf-8`
        : `Content-Disposition: form-data; name="${part.name}"; filename="${part.name}"\r\nContent-Type: application/octet-stream`;
    chunks.push(encoder.encode(`--${boundary}\r\n${head}\r\n\r\n`));
    chunks.push("text" in part ? encoder.encode(part.text) : part.bytes);
    chunks.push(encoder.encode("\r\n"));
  }
  chunks.push(encoder.encode(`--${boundary}--\r\n`));
  const body = new Uint8Array(chunks.reduce((total, chunk) => total + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.length;
  }
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

/** A float as Python's `repr` writes it: always with a fractional part (`10.0`). */
const pythonFloat = (value: number): string => (Number.isInteger(value) ? `${value}.0` : String(value));

/** A trajectory as Python 0.0.x sends it: the `repr` of a list of dicts, frames as ints, x/y as floats. */
export function pythonTrajectory(points: ReadonlyArray<{ frame: number; x: number; y: number }>): string {
  const items = points.map(
    (point) => `{'frame': ${point.frame}, 'x': ${pythonFloat(point.x)}, 'y': ${pythonFloat(point.y)}}`,
  );
  return `[${items.join(", ")}]`;
}

/** A FastAPI validation issue of a `detail` list. */
interface DetailIssue {
  loc: Array<string | number>;
  msg: string;
  type: string;
}

/**
 * Checks an error answer: JSON whose `detail` is a non-empty string or FastAPI's list of issues, and,
 * when `strict`, no `code` beside it. Returns the messages it carries.
 */
export async function expectDetail(response: Response, strict: boolean): Promise<string[]> {
  expect(response.headers.get("content-type") ?? "").toMatch(/^application\/json/);
  const body = (await response.json()) as Record<string, unknown>;
  expect(body).toHaveProperty("detail");
  if (strict) expect(body).not.toHaveProperty("code");
  const detail = body.detail;
  if (typeof detail === "string") {
    expect(detail.trim()).not.toBe("");
    return [detail];
  }
  expect(Array.isArray(detail)).toBe(true);
  const issues = detail as DetailIssue[];
  expect(issues.length).toBeGreaterThan(0);
  for (const issue of issues) {
    expect(Array.isArray(issue.loc)).toBe(true);
    expect(typeof issue.msg).toBe("string");
    expect(typeof issue.type).toBe("string");
  }
  return issues.map((issue) => issue.msg);
}

/** One status answer seen while polling. */
export interface StatusSeen {
  body: Record<string, unknown>;
  headers: Headers;
}

/** Polls a job's status until it is `completed` or `failed`; every answer is returned for checking. */
export async function pollJob(connection: Connection, jobId: string): Promise<StatusSeen[]> {
  const seen: StatusSeen[] = [];
  for (;;) {
    const response = await call(connection, `/v1/jobs/${encodeURIComponent(jobId)}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    seen.push({ body, headers: response.headers });
    if (body.status === "completed" || body.status === "failed") return seen;
    if (!knownStatuses.includes(body.status as (typeof knownStatuses)[number])) return seen;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The response's bytes. */
export async function bytesOf(response: Response): Promise<Uint8Array> {
  return new Uint8Array(await response.arrayBuffer());
}
