import type { ModelDefinition } from "@decart/core";
import { inputJsonSchema } from "@decart/models";

/** How a flag's text becomes an input value. */
export type FlagKind = "file" | "json" | "integer" | "number" | "boolean" | "string";

/** One model input as a command-line flag, derived from the model's JSON Schema and metadata. */
export interface InputFlag {
  /** The input field, such as `reference_image`. */
  readonly field: string;
  /** The long flag without dashes, such as `reference-image`. */
  readonly flag: string;
  /** Another long flag for the same field, hidden from help (`num-inference-steps` beside `steps`). */
  readonly alias?: string;
  readonly kind: FlagKind;
  /** The media a file flag takes, from `model.fileFields`, when the model says. */
  readonly media?: string;
  readonly required: boolean;
  readonly choices?: readonly string[];
  readonly defaultValue?: unknown;
  /** Limits in words: `1 to 100`, `at most 1000 characters`. */
  readonly limits: readonly string[];
  /** A description the schema carries, if any. */
  readonly description?: string;
}

/** Flags shorter than their field's name; the field's own spelling stays accepted as a hidden alias. */
const shortFlags: Readonly<Record<string, string>> = { num_inference_steps: "steps" };

interface PropertySchema {
  type?: string;
  format?: string;
  enum?: unknown[];
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
}

/** The flag a field is typed as: `reference_image` → `reference-image`, `num_inference_steps` → `steps`. */
export function flagForField(field: string): string {
  return shortFlags[field] ?? field.replaceAll("_", "-");
}

function kindOf(property: PropertySchema, isFile: boolean): FlagKind {
  if (isFile || property.format === "binary") return "file";
  if (property.type === "integer") return "integer";
  if (property.type === "number") return "number";
  if (property.type === "boolean") return "boolean";
  if (property.type === "array" || property.type === "object") return "json";
  return "string";
}

function limitsOf(property: PropertySchema): string[] {
  const limits: string[] = [];
  const { minimum, maximum, minLength, maxLength, minItems, maxItems } = property;
  if (minimum !== undefined && maximum !== undefined) limits.push(`${minimum} to ${maximum}`);
  else if (minimum !== undefined) limits.push(`at least ${minimum}`);
  else if (maximum !== undefined) limits.push(`at most ${maximum}`);
  if (maxLength !== undefined)
    limits.push(`${minLength ? `${minLength} to ` : "at most "}${maxLength} characters`);
  if (maxItems !== undefined) limits.push(`${minItems ?? 0} to ${maxItems} items`);
  else if (minItems !== undefined) limits.push(`at least ${minItems} items`);
  return limits;
}

/** The flags of every input `model` takes, in the schema's order. */
export function inputFlags(model: ModelDefinition): InputFlag[] {
  const schema = inputJsonSchema(model) as {
    properties?: Record<string, PropertySchema>;
    required?: string[];
  };
  const required = new Set(schema.required ?? []);
  const files: Readonly<Record<string, string>> = model.fileFields;
  return Object.entries(schema.properties ?? {}).map(([field, property]) => {
    const flag = flagForField(field);
    const alias = field.replaceAll("_", "-");
    return {
      field,
      flag,
      ...(alias === flag ? {} : { alias }),
      kind: kindOf(property, field in files),
      ...(files[field] ? { media: files[field] } : {}),
      required: required.has(field),
      ...(property.enum ? { choices: property.enum.map(String) } : {}),
      ...("default" in property ? { defaultValue: property.default } : {}),
      limits: limitsOf(property),
      ...(property.description ? { description: property.description } : {}),
    };
  });
}

/** Every model's flags merged by field (for `decart generate` before a model is named): choices left out. */
export function allInputFlags(list: readonly ModelDefinition[]): InputFlag[] {
  const byField = new Map<string, InputFlag>();
  for (const model of list) {
    for (const flag of inputFlags(model)) {
      if (!byField.has(flag.field)) byField.set(flag.field, { ...flag, required: false, limits: [] });
    }
  }
  return [...byField.values()].map(({ choices: _choices, defaultValue: _default, ...flag }) => flag);
}
