/**
 * The Standard Schema interface (https://standardschema.dev), copied as types only so that any
 * validator that implements it (zod 4, valibot, arktype…) can describe a model's inputs.
 *
 * @example
 * ```ts
 * import type { StandardSchemaV1 } from "@decart/core";
 *
 * const anything: StandardSchemaV1<unknown> = {
 *   "~standard": { version: 1, vendor: "example", validate: (value) => ({ value }) },
 * };
 * ```
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  /** The Standard Schema properties. */
  readonly "~standard": StandardSchemaV1.Props<Input, Output>;
}

/** The types the Standard Schema interface is made of. */
export declare namespace StandardSchemaV1 {
  /** The properties under a schema's `~standard` key. */
  export interface Props<Input = unknown, Output = Input> {
    /** The version of the Standard Schema interface, always `1`. */
    readonly version: 1;
    /** The library that implements the schema, such as `zod`. */
    readonly vendor: string;
    /** Validates an unknown value: the parsed value on success, the issues on failure. */
    readonly validate: (value: unknown) => Result<Output> | Promise<Result<Output>>;
    /** The schema's input and output types, for inference only (absent at runtime). */
    readonly types?: Types<Input, Output> | undefined;
  }
  /** What `validate` returns. */
  export type Result<Output> = SuccessResult<Output> | FailureResult;
  /** A successful validation. */
  export interface SuccessResult<Output> {
    /** The validated (and possibly transformed) value. */
    readonly value: Output;
    /** Absent on success. */
    readonly issues?: undefined;
  }
  /** A failed validation. */
  export interface FailureResult {
    /** Every problem found. */
    readonly issues: ReadonlyArray<Issue>;
  }
  /** One validation problem. */
  export interface Issue {
    /** What is wrong, in words. */
    readonly message: string;
    /** Where: the keys from the root value down to the failing field. */
    readonly path?: ReadonlyArray<PropertyKey | PathSegment> | undefined;
  }
  /** One step of an issue's path, as an object. */
  export interface PathSegment {
    /** The key at this step. */
    readonly key: PropertyKey;
  }
  /** A schema's input and output types. */
  export interface Types<Input = unknown, Output = Input> {
    /** The type the schema accepts. */
    readonly input: Input;
    /** The type the schema produces. */
    readonly output: Output;
  }
  /** The input type of a schema. */
  export type InferInput<Schema extends StandardSchemaV1> = NonNullable<
    Schema["~standard"]["types"]
  >["input"];
  /** The output type of a schema. */
  export type InferOutput<Schema extends StandardSchemaV1> = NonNullable<
    Schema["~standard"]["types"]
  >["output"];
}
