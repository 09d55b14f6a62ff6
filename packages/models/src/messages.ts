import type { StandardSchemaV1 } from "@decart/core";
import * as z from "zod/mini";
import { isWholeNumber, wholeNumber } from "./whole-number";

type RawIssue = z.core.$ZodRawIssue;

/** `trajectory.0.x` for a path, `inputs` for the whole object. */
export function fieldName(path: readonly PropertyKey[] | undefined): string {
  return path?.length ? path.map(String).join(".") : "inputs";
}

const typeNames: Record<string, string> = {
  int: "an integer",
  number: "a number",
  string: "a string",
  boolean: "true or false",
  array: "an array",
  object: "an object",
};

function sizeClause(issue: RawIssue & { code: "too_small" | "too_big" }, noun: string): string {
  const limit = Number(issue.code === "too_small" ? issue.minimum : issue.maximum);
  const bound = issue.code === "too_small" ? "at least" : "at most";
  if (issue.origin === "string") {
    return issue.code === "too_small" && limit === 1
      ? "must not be empty"
      : `must be ${bound} ${limit} characters`;
  }
  if (issue.origin === "array" || issue.origin === "set") return `must have ${bound} ${limit} ${noun}`;
  if (!issue.inclusive) return `must be ${issue.code === "too_small" ? "greater" : "less"} than ${limit}`;
  return `must be ${bound} ${limit}`;
}

/**
 * The clause for one zod issue, naming the field: `data is required`, `seed must be an integer`.
 * `noun` names an array's elements (`points` for a trajectory).
 */
export function clause(issue: RawIssue, noun = "items"): string | undefined {
  const field = fieldName(issue.path);
  switch (issue.code) {
    case "invalid_type": {
      if (issue.input === undefined) return `${field} is required`;
      // z.int() reports a non-number as expecting "number"; its format says it wants an integer, as
      // does a number checked by wholeNumber.
      const format = (issue.inst as { _zod?: { def: { format?: unknown } } } | undefined)?._zod?.def.format;
      const integral = (typeof format === "string" && format.includes("int")) || isWholeNumber(issue.inst);
      const expected = integral ? "int" : issue.expected;
      return `${field} must be ${typeNames[expected] ?? expected}`;
    }
    case "custom":
      if (issue.inst === wholeNumber) return `${field} must be an integer`;
      return issue.input === undefined ? `${field} is required` : `${field} is invalid`;
    case "too_small":
    case "too_big":
      return `${field} ${sizeClause(issue, noun)}`;
    case "invalid_value":
      return issue.values.length === 1
        ? `${field} must be ${String(issue.values[0])}`
        : `${field} must be one of ${issue.values.map(String).join(", ")}`;
    default:
      return undefined;
  }
}

type Issue = StandardSchemaV1.Issue;

function toIssues(issues: readonly z.core.$ZodIssue[]): Issue[] {
  const result: Issue[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      // One clause per unknown field rather than zod's single issue for all of them. The issue stays on
      // the object that has the field, and its message starts with that object's name when it has one.
      for (const key of issue.keys) {
        const owner = issue.path.length ? `${fieldName(issue.path)} has ` : "";
        result.push({ message: `${owner}unknown field ${String(key)}`, path: issue.path });
      }
    } else {
      result.push({ message: issue.message, path: issue.path });
    }
  }
  return result;
}

type Validation = StandardSchemaV1.Result<unknown>;

const settle = (result: ReturnType<typeof z.safeParse>): Validation =>
  result.success ? { value: result.data } : { issues: toIssues(result.error.issues) };

/**
 * A copy of `schema` whose Standard Schema `validate` reports one clause per failing field, each naming
 * the field, in the form `InvalidInputError.fromIssues` joins into `Invalid inputs for <model>: …`.
 * The schema itself is left untouched.
 */
export function withFieldMessages<Schema extends z.ZodMiniType>(schema: Schema): Schema {
  const copy = z.clone(schema);
  const options = { error: (issue: RawIssue) => clause(issue) };
  (copy as { "~standard": unknown })["~standard"] = {
    version: 1,
    vendor: "zod",
    validate: (value: unknown) => {
      try {
        return settle(z.safeParse(copy, value, options));
      } catch {
        // A schema with an async refinement cannot run synchronously; anything else rethrows from here.
        return z.safeParseAsync(copy, value, options).then(settle);
      }
    },
  } satisfies StandardSchemaV1.Props;
  return copy;
}

/** Whether `value` is a zod 4 schema (classic or mini). */
export function isZodSchema(value: unknown): value is z.ZodMiniType {
  return typeof value === "object" && value !== null && "_zod" in value;
}
