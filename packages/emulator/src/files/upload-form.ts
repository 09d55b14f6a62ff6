import {
  missingIssue,
  type UploadedFile,
  type UploadedForm,
  ValidationError,
  type ValidationIssue,
  valueIssue,
} from "../http/index";
import type { FileTtl } from "./file-store";

/** The form fields of `POST /v1/files`. */
export const uploadFields = { file: "file", ttl: "ttl_seconds" } as const;

/** The range of `ttl_seconds`, as 0.1.20 checks it: one minute to 720 hours (30 days). */
export const ttlLimits = { min: 60, max: 720 * 60 * 60 } as const;

/** A validated upload: the file and its TTL (`undefined` for the default). */
export interface UploadRequest {
  readonly file: UploadedFile;
  readonly ttl: FileTtl | undefined;
}

function readTtl(text: string | undefined, issues: ValidationIssue[]): FileTtl | undefined {
  // An empty text part is no value, as FastAPI reads an optional form field.
  if (text === undefined || text === "") return undefined;
  if (text === "persistent") return "persistent";
  const trimmed = text.trim();
  const seconds = /^[+-]?\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (seconds >= ttlLimits.min && seconds <= ttlLimits.max) return seconds;
  issues.push(
    valueIssue(
      ["body", uploadFields.ttl],
      text,
      `ttl_seconds must be an integer from ${ttlLimits.min} to ${ttlLimits.max} or "persistent"`,
    ),
  );
  return undefined;
}

/**
 * Validates the form of `POST /v1/files` as FastAPI would (every problem in one 422): `file` is a
 * required upload (text in its place is refused as FastAPI refuses it), `ttl_seconds` optional, an
 * integer 60–2,592,000 or the literal `persistent`.
 */
export function readUploadRequest(form: UploadedForm): UploadRequest {
  const issues: ValidationIssue[] = [];
  const file = form.files.get(uploadFields.file);
  const text = form.fields.get(uploadFields.file);
  if (!file) {
    issues.push(
      text === undefined || text === ""
        ? missingIssue(["body", uploadFields.file])
        : valueIssue(["body", uploadFields.file], text, "Expected UploadFile, received: <class 'str'>"),
    );
  }
  const ttl = readTtl(form.fields.get(uploadFields.ttl), issues);
  if (issues.length > 0 || !file) throw new ValidationError(issues);
  return { file, ttl };
}
