import type { InputIssue, ModelDefinition, StandardSchemaV1 } from "@decart/core";
import { InvalidInputError } from "@decart/core";
import { parseFormBoolean, parseFormJson, parseFormNumber } from "@decart/core/protocol";
import { innerSchema } from "./define-model";
import { fieldName } from "./messages";

/**
 * The outcome of validating a model's inputs: the validated value (any schema defaults applied) or an
 * `InvalidInputError` whose message reads `Invalid inputs for <model>: <clause>; <clause>`.
 */
export type InputsResult<Model extends Pick<ModelDefinition, "name" | "inputs">> =
  | {
      /** `true`: the inputs are valid. */
      readonly success: true;
      /** The validated inputs, with any defaults the schema has applied (the built-in models have none). */
      readonly value: StandardSchemaV1.InferOutput<Model["inputs"]>;
      /** Absent when the inputs are valid. */
      readonly error?: undefined;
    }
  | {
      /** `false`: at least one input is invalid. */
      readonly success: false;
      /** Absent when the inputs are invalid. */
      readonly value?: undefined;
      /** Names every invalid field and why, in one message. */
      readonly error: InvalidInputError;
    };

const keyOf = (segment: PropertyKey | StandardSchemaV1.PathSegment): PropertyKey =>
  typeof segment === "object" ? segment.key : segment;

/**
 * Validates `inputs` against `model`'s schema, as the client does before any network call.
 *
 * @example
 * ```ts
 * import { models, validateInputs } from "@decart/models";
 *
 * const result = await validateInputs(models.video("lucy-pro-i2v"), { prompt: "test" });
 * if (!result.success) console.log(result.error.message); // Invalid inputs for lucy-pro-i2v: data is required
 * ```
 */
export async function validateInputs<Model extends Pick<ModelDefinition, "name" | "inputs">>(
  model: Model,
  inputs: unknown,
): Promise<InputsResult<Model>> {
  const result = await model.inputs["~standard"].validate(inputs);
  if (!result.issues)
    return { success: true, value: result.value as StandardSchemaV1.InferOutput<Model["inputs"]> };
  const issues: InputIssue[] = result.issues.map((issue) => ({
    field: issue.path?.length ? fieldName(issue.path.map(keyOf)) : "",
    message: issue.message,
  }));
  return { success: false, error: InvalidInputError.fromIssues(model.name, issues) };
}

/**
 * Turns one wire string into the JavaScript value the field's schema expects, as leniently as a FastAPI +
 * pydantic server reads a form (`True`, `yes`, ` 42 `, Python's repr of a list), or leaves it for the
 * schema to reject.
 */
function coerce(schema: unknown, text: string): unknown {
  const type = (innerSchema(schema) as { _zod?: { def: { type: string } } } | undefined)?._zod?.def.type;
  switch (type) {
    case "number":
    case "int":
      return parseFormNumber(text) ?? text;
    case "boolean":
      return parseFormBoolean(text) ?? text;
    case "array":
    case "object":
    case "record":
    case "tuple":
      return parseFormJson(text) ?? text;
    default:
      return text;
  }
}

/**
 * Validates inputs as they arrive in a multipart body, where numbers, booleans and arrays are strings
 * and files are `Blob`s: each string is converted to what its field expects, as leniently as the API's
 * FastAPI + pydantic parser (booleans `true`/`True`/`1`/`yes`/`on`…, numbers as text, trajectories as
 * JSON or as Python's repr), then the model's schema decides, with the same messages the client gives.
 * Nothing is defaulted: a server applies its own defaults. For servers such as `@decart/emulator`.
 *
 * @example
 * ```ts
 * import { models, parseWireInputs } from "@decart/models";
 *
 * const result = await parseWireInputs(models.video("lucy-pro-t2v"), { prompt: "A lake", seed: "42" });
 * if (result.success) result.value.seed; // 42
 *
 * const python = await parseWireInputs(models.video("lucy-pro-v2v"), {
 *   prompt: "Anime",
 *   data: new Blob([], { type: "video/mp4" }),
 *   enhance_prompt: "True",
 * });
 * if (python.success) python.value.enhance_prompt; // true
 *
 * const bad = await parseWireInputs(models.video("lucy-pro-t2v"), { prompt: "A lake", seed: "forty-two" });
 * if (!bad.success) bad.error.message; // Invalid inputs for lucy-pro-t2v: seed must be a number
 * ```
 */
export async function parseWireInputs<Model extends Pick<ModelDefinition, "name" | "inputs">>(
  model: Model,
  fields: Readonly<Record<string, unknown>>,
): Promise<InputsResult<Model>> {
  const shape =
    (model.inputs as { _zod?: { def: { shape?: Record<string, unknown> } } })._zod?.def.shape ?? {};
  // No prototype: a field a client names `__proto__` is kept, for the schema to refuse like any other.
  const inputs: Record<string, unknown> = Object.create(null);
  for (const [key, value] of Object.entries(fields)) {
    inputs[key] = typeof value === "string" && Object.hasOwn(shape, key) ? coerce(shape[key], value) : value;
  }
  return validateInputs(model, inputs);
}
