import type { InputIssue, ModelDefinition, StandardSchemaV1 } from "@decart/core";
import { InvalidInputError } from "@decart/core";
import { innerSchema } from "./define-model";
import { fieldName } from "./messages";

/**
 * The outcome of validating a model's inputs: the validated value (defaults applied) or an
 * `InvalidInputError` whose message reads `Invalid inputs for <model>: <clause>; <clause>`.
 */
export type InputsResult<Model extends Pick<ModelDefinition, "name" | "inputs">> =
  | {
      /** `true`: the inputs are valid. */
      readonly success: true;
      /** The validated inputs, with the schema's defaults applied. */
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

const numberPattern = /^-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

/** Turns one wire string into the JavaScript value the field's schema expects, or leaves it for the schema to reject. */
function coerce(schema: unknown, text: string): unknown {
  const type = (innerSchema(schema) as { _zod?: { def: { type: string } } } | undefined)?._zod?.def.type;
  const trimmed = text.trim();
  switch (type) {
    case "number":
    case "int":
      return numberPattern.test(trimmed) ? Number(trimmed) : text;
    case "boolean":
      return trimmed === "true" ? true : trimmed === "false" ? false : text;
    case "array":
    case "object":
    case "record":
    case "tuple":
      try {
        return JSON.parse(trimmed);
      } catch {
        return text;
      }
    default:
      return text;
  }
}

/**
 * Validates inputs as they arrive in a multipart body, where numbers, booleans and arrays are strings
 * (`"42"`, `"true"`, `"[{\"frame\":0,…}]"`) and files are `Blob`s: each string is converted to what its
 * field expects, then the model's schema decides, with the same messages the client gives. For servers
 * such as `@decart/emulator`.
 *
 * @example
 * ```ts
 * import { models, parseWireInputs } from "@decart/models";
 *
 * const result = await parseWireInputs(models.video("lucy-pro-t2v"), { prompt: "A lake", seed: "42" });
 * if (result.success) result.value.seed; // 42
 *
 * const bad = await parseWireInputs(models.video("lucy-pro-t2v"), { prompt: "A lake", seed: "1.5" });
 * if (!bad.success) bad.error.message; // Invalid inputs for lucy-pro-t2v: seed must be an integer
 * ```
 */
export async function parseWireInputs<Model extends Pick<ModelDefinition, "name" | "inputs">>(
  model: Model,
  fields: Readonly<Record<string, unknown>>,
): Promise<InputsResult<Model>> {
  const shape =
    (model.inputs as { _zod?: { def: { shape?: Record<string, unknown> } } })._zod?.def.shape ?? {};
  const inputs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    inputs[key] = typeof value === "string" && Object.hasOwn(shape, key) ? coerce(shape[key], value) : value;
  }
  return validateInputs(model, inputs);
}
