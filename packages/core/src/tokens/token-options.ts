import { type InputIssue, InvalidInputError } from "../errors/index";

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** A full origin as a browser sends it in `Origin`: scheme and host (and port), no path, no slash. */
const origin = /^[a-z][a-z\d+.-]*:\/\/[^/?#\s@]+$/i;

/** Left out: `undefined`, or `null`, which the API reads as absent too (its fields are optional). */
const absent = (value: unknown): value is undefined | null => value === undefined || value === null;

/** Absent, or a list of at most 20 strings that each pass `item`. */
const list = (value: unknown, item: (entry: string) => boolean) =>
  absent(value) ||
  (Array.isArray(value) &&
    value.length <= 20 &&
    value.every((entry) => typeof entry === "string" && item(entry)));

/**
 * Checks the options of `client.tokens.create()` against the API's limits before anything is sent, and
 * returns the JSON body: the options without the request controls (`signal`, `deadline`); any other
 * field passes through as given. Each issue names its field. `null`, for the options or any field, is
 * taken as absent, as the API takes it: never stricter than the server.
 */
export function tokenRequestBody(options: unknown): string {
  if (!absent(options) && !isRecord(options)) {
    throw new InvalidInputError(
      "Invalid inputs for client.tokens.create: pass an options object, or nothing",
    );
  }
  const { signal: _signal, deadline: _deadline, ...body } = options ?? {};
  const { metadata, expiresIn, constraints } = body;
  const realtime = isRecord(constraints) ? constraints.realtime : undefined;
  const duration = isRecord(realtime) ? realtime.maxSessionDuration : undefined;
  const issues: InputIssue[] = [];
  const rule = (field: string, ok: boolean, clause: string) => {
    if (!ok) issues.push({ field, message: `${field} must be ${clause}` });
  };
  rule("metadata", absent(metadata) || isRecord(metadata), "an object");
  rule(
    "expiresIn",
    absent(expiresIn) ||
      (Number.isInteger(expiresIn) && (expiresIn as number) >= 1 && (expiresIn as number) <= 3600),
    "a whole number of seconds from 1 to 3600",
  );
  rule(
    "allowedModels",
    list(body.allowedModels, () => true),
    "a list of at most 20 model names",
  );
  rule(
    "allowedOrigins",
    list(body.allowedOrigins, (entry) => origin.test(entry)),
    "a list of at most 20 full origins such as https://example.com (no path, no trailing slash)",
  );
  rule(
    "constraints",
    absent(constraints) ||
      (isRecord(constraints) &&
        (absent(realtime) ||
          (isRecord(realtime) && (absent(duration) || (typeof duration === "number" && duration > 0))))),
    "an object such as { realtime: { maxSessionDuration: 120 } } (seconds above 0)",
  );
  if (issues.length > 0) throw InvalidInputError.fromIssues("client.tokens.create", issues);
  return JSON.stringify(body);
}
