/** A JSON Schema document (draft 2020-12). */
export type JsonSchema = Record<string, unknown>;
