import { HttpError } from "./http-error";

/** Where a rejected value sits, FastAPI style: `["body", "expiresIn"]`, `["body", "allowedModels", 0]`. */
export type Location = readonly (string | number)[];

/** One entry of FastAPI's list-form `detail`, as pydantic v2 reports it. */
export interface ValidationIssue {
  /** pydantic's error type: `int_type`, `greater_than_equal`, `too_long`, `missing`, `value_error`… */
  readonly type: string;
  readonly loc: Location;
  /** pydantic's message for that type. */
  readonly msg: string;
  /** The value that was rejected (`null` for a missing one). */
  readonly input: unknown;
  /** The type's parameters, such as `{ ge: 1 }`. */
  readonly ctx?: Readonly<Record<string, unknown>>;
}

/** A field path for a message: the location without its `body` prefix. */
const fieldOf = (loc: Location): string => loc.filter((_, index) => index > 0 || loc[0] !== "body").join(".");

/**
 * A request FastAPI would refuse at validation: 422 with `detail` as the list of {@link ValidationIssue}s
 * (every rejected field, in the order the model declares them), plus the extension `code` unless the
 * emulator runs strict.
 */
export class ValidationError extends HttpError {
  override name = "ValidationError";
  override readonly detailList: readonly ValidationIssue[];

  constructor(readonly issues: readonly ValidationIssue[]) {
    super(
      422,
      "INVALID_INPUT",
      issues.map((issue) => `${fieldOf(issue.loc) || "body"}: ${issue.msg}`).join("; "),
    );
    this.detailList = issues;
  }
}

/** A required value that is absent. */
export const missingIssue = (loc: Location): ValidationIssue => ({
  type: "missing",
  loc,
  msg: "Field required",
  input: null,
});

/** A custom validator's refusal, worded as pydantic words a `ValueError`. */
export const valueIssue = (loc: Location, input: unknown, message: string): ValidationIssue => ({
  type: "value_error",
  loc,
  msg: `Value error, ${message}`,
  input,
  ctx: { error: message },
});

/** A value that must be an object (a pydantic model or dict) and is not. */
export const objectIssue = (loc: Location, input: unknown): ValidationIssue => ({
  type: "model_attributes_type",
  loc,
  msg: "Input should be a valid dictionary or object to extract fields from",
  input,
});

/** Bounds of {@link readInteger}, named as pydantic's `Field(ge=…, le=…, gt=…)`. */
export interface IntegerBounds {
  readonly ge?: number;
  readonly le?: number;
  readonly gt?: number;
}

/**
 * Reads an integer the way pydantic's lax mode reads JSON: an integer, a float without a fractional part,
 * a string of digits, or a boolean (as 0/1); then the bounds. Returns the number, or adds the issue
 * pydantic would report and returns `undefined`.
 */
export function readInteger(
  value: unknown,
  loc: Location,
  bounds: IntegerBounds,
  issues: ValidationIssue[],
): number | undefined {
  let number: number | undefined;
  if (typeof value === "boolean") number = value ? 1 : 0;
  else if (typeof value === "number" && Number.isFinite(value)) {
    if (!Number.isInteger(value)) {
      issues.push({
        type: "int_from_float",
        loc,
        msg: "Input should be a valid integer, got a number with a fractional part",
        input: value,
      });
      return undefined;
    }
    number = value;
  } else if (typeof value === "string") {
    const text = value.trim();
    if (!/^[+-]?\d+$/.test(text)) {
      issues.push({
        type: "int_parsing",
        loc,
        msg: "Input should be a valid integer, unable to parse string as an integer",
        input: value,
      });
      return undefined;
    }
    number = Number(text);
  }
  if (number === undefined) {
    issues.push({ type: "int_type", loc, msg: "Input should be a valid integer", input: value });
    return undefined;
  }
  const { ge, le, gt } = bounds;
  if (gt !== undefined && !(number > gt)) {
    issues.push({
      type: "greater_than",
      loc,
      msg: `Input should be greater than ${gt}`,
      input: value,
      ctx: { gt },
    });
    return undefined;
  }
  if (ge !== undefined && number < ge) {
    issues.push({
      type: "greater_than_equal",
      loc,
      msg: `Input should be greater than or equal to ${ge}`,
      input: value,
      ctx: { ge },
    });
    return undefined;
  }
  if (le !== undefined && number > le) {
    issues.push({
      type: "less_than_equal",
      loc,
      msg: `Input should be less than or equal to ${le}`,
      input: value,
      ctx: { le },
    });
    return undefined;
  }
  return number;
}

/** Whether `value` is a JSON object (not an array, not null). */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
