import type { ModelDefinition } from "@decart/core";
import * as z from "zod/mini";
import { fileSchemaKind } from "./file-input";
import type { JsonSchema } from "./json-schema-document";
import { isZodSchema } from "./messages";
import { ruleJsonSchemas } from "./rules";

/**
 * The JSON Schema (draft 2020-12) of what `model` accepts, as a caller writes it: optional fields not
 * required, unknown fields refused (`additionalProperties: false`), and file
 * fields rendered as `{ "type": "string", "format": "binary" }`. A cross-field rule adds the keywords that
 * state it: lucy-restyle-2's "exactly one of prompt or reference_image" is a `oneOf`. For docs, forms and
 * servers.
 *
 * @example
 * ```ts
 * import { inputJsonSchema, models } from "@decart/models";
 *
 * const schema = inputJsonSchema(models.video("lucy-pro-i2v"));
 * schema.required; // ["prompt", "data"]
 * ```
 */
export function inputJsonSchema(model: Pick<ModelDefinition, "name" | "inputs">): JsonSchema {
  const { inputs } = model;
  if (!isZodSchema(inputs)) {
    throw new TypeError(
      `The inputs of ${model.name} are not a zod schema, so they have no JSON Schema export`,
    );
  }
  return z.toJSONSchema(inputs, {
    io: "input",
    unrepresentable: "any",
    override: (context) => {
      if (fileSchemaKind(context.zodSchema) !== undefined) {
        context.jsonSchema.type = "string";
        context.jsonSchema.format = "binary";
      }
      for (const check of (context.zodSchema._zod.def as { checks?: object[] }).checks ?? []) {
        const keywords = ruleJsonSchemas.get(check);
        if (keywords) Object.assign(context.jsonSchema, structuredClone(keywords));
      }
    },
  }) as JsonSchema;
}
