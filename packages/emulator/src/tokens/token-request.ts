import {
  isRecord,
  type JsonBody,
  type Location,
  missingIssue,
  objectIssue,
  readInteger,
  ValidationError,
  type ValidationIssue,
  valueIssue,
} from "../http/index";

/** The operational limits a client token carries (the real API applies them to realtime sessions). */
export interface TokenConstraints {
  readonly realtime?: { readonly maxSessionDuration?: number };
}

/** What `POST /v1/client/tokens` asked for, validated. */
export interface TokenRequest {
  /** Seconds until the key expires. */
  readonly expiresIn: number;
  readonly metadata: Readonly<Record<string, unknown>> | undefined;
  /** The only models the key may use; `undefined` for any. */
  readonly allowedModels: readonly string[] | undefined;
  /** The only `Origin`s the key may be used from; `undefined` for any. */
  readonly allowedOrigins: readonly string[] | undefined;
  readonly constraints: TokenConstraints | undefined;
}

/** The limits of the request body, as 0.1.20 documents them. */
export const tokenLimits = {
  defaultExpiresIn: 60,
  minExpiresIn: 1,
  maxExpiresIn: 3600,
  maxAllowedModels: 20,
  maxAllowedOrigins: 20,
} as const;

/** A list of at most `maxLength` strings, each checked by `check` (which may add its own issue). */
function readStringList(
  value: unknown,
  loc: Location,
  maxLength: number,
  issues: ValidationIssue[],
  check: (item: string, loc: Location) => ValidationIssue | undefined = () => undefined,
): string[] | undefined {
  if (!Array.isArray(value)) {
    issues.push({ type: "list_type", loc, msg: "Input should be a valid list", input: value });
    return undefined;
  }
  if (value.length > maxLength) {
    issues.push({
      type: "too_long",
      loc,
      msg: `List should have at most ${maxLength} items after validation, not ${value.length}`,
      input: value,
      ctx: { field_type: "List", max_length: maxLength, actual_length: value.length },
    });
    return undefined;
  }
  const before = issues.length;
  value.forEach((item: unknown, index) => {
    const itemLoc = [...loc, index];
    if (typeof item !== "string") {
      issues.push({ type: "string_type", loc: itemLoc, msg: "Input should be a valid string", input: item });
      return;
    }
    const problem = check(item, itemLoc);
    if (problem) issues.push(problem);
  });
  return issues.length === before ? (value as string[]) : undefined;
}

/** A full origin, scheme and host (and port) only, spelled as browsers send it in `Origin`. */
function originIssue(item: string, loc: Location): ValidationIssue | undefined {
  let origin: string | undefined;
  try {
    const url = new URL(item);
    origin = url.protocol === "http:" || url.protocol === "https:" ? url.origin : undefined;
  } catch {
    origin = undefined;
  }
  if (origin === item) return undefined;
  return valueIssue(
    loc,
    item,
    `each allowed origin must be a full origin such as https://example.com, not ${JSON.stringify(item)}`,
  );
}

function readConstraints(value: unknown, issues: ValidationIssue[]): TokenConstraints | undefined {
  const loc = ["body", "constraints"];
  if (!isRecord(value)) {
    issues.push(objectIssue(loc, value));
    return undefined;
  }
  const realtime = value.realtime;
  if (realtime === undefined || realtime === null) return {};
  if (!isRecord(realtime)) {
    issues.push(objectIssue([...loc, "realtime"], realtime));
    return undefined;
  }
  const duration = realtime.maxSessionDuration;
  if (duration === undefined || duration === null) return { realtime: {} };
  const maxSessionDuration = readInteger(
    duration,
    [...loc, "realtime", "maxSessionDuration"],
    { gt: 0 },
    issues,
  );
  return maxSessionDuration === undefined ? undefined : { realtime: { maxSessionDuration } };
}

/** `null` and an absent field are the same to pydantic's `Optional[...] = None`. */
const given = (value: unknown): boolean => value !== undefined && value !== null;

/**
 * Validates the body of `POST /v1/client/tokens` as FastAPI with a pydantic model would: every field is
 * optional (`null` as good as absent, unknown fields ignored), the body itself is required (0.1.20 always
 * sends at least `{}`), and every rejected field is reported in one 422 — `expiresIn` an integer 1–3600
 * (default 60), `allowedModels` and `allowedOrigins` at most 20 strings (each origin a full origin),
 * `metadata` an object, `constraints.realtime.maxSessionDuration` a positive integer. An empty list of
 * models or origins restricts nothing, as the real API's Python would read it.
 */
export function parseTokenRequest(body: JsonBody): TokenRequest {
  if (body.kind === "empty") throw new ValidationError([missingIssue(["body"])]);
  const value = body.kind === "json" ? body.value : body.text;
  if (!isRecord(value)) throw new ValidationError([objectIssue(["body"], value)]);
  const issues: ValidationIssue[] = [];
  let metadata: Record<string, unknown> | undefined;
  if (given(value.metadata)) {
    if (isRecord(value.metadata)) metadata = value.metadata;
    else
      issues.push({
        type: "dict_type",
        loc: ["body", "metadata"],
        msg: "Input should be a valid dictionary",
        input: value.metadata,
      });
  }
  const expiresIn = given(value.expiresIn)
    ? readInteger(
        value.expiresIn,
        ["body", "expiresIn"],
        { ge: tokenLimits.minExpiresIn, le: tokenLimits.maxExpiresIn },
        issues,
      )
    : tokenLimits.defaultExpiresIn;
  const allowedModels = given(value.allowedModels)
    ? readStringList(value.allowedModels, ["body", "allowedModels"], tokenLimits.maxAllowedModels, issues)
    : undefined;
  const allowedOrigins = given(value.allowedOrigins)
    ? readStringList(
        value.allowedOrigins,
        ["body", "allowedOrigins"],
        tokenLimits.maxAllowedOrigins,
        issues,
        originIssue,
      )
    : undefined;
  const constraints = given(value.constraints) ? readConstraints(value.constraints, issues) : undefined;
  if (issues.length > 0 || expiresIn === undefined) throw new ValidationError(issues);
  return {
    expiresIn,
    metadata,
    allowedModels: allowedModels?.length ? allowedModels : undefined,
    allowedOrigins: allowedOrigins?.length ? allowedOrigins : undefined,
    constraints,
  };
}
