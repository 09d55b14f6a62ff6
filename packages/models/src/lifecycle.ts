import type { ModelDefinition, ModelKind, StandardSchemaV1 } from "@decart/core";
import * as z from "zod/mini";
import { endpointsOf } from "./define-model";
import { isZodSchema } from "./messages";

// `ModelDefinition` of @decart/core has no notion of a model's status, so the models that are not plain
// models carry it here, as data on the definition: a moving alias that the server resolves, or a
// deprecated name that still works and points to its replacement.

/**
 * A name that the Decart server resolves to its current model (`lucy-latest`, `lucy-image-latest`…). The
 * SDK sends the alias as it is, so results follow the server when the alias moves; the inputs, geometry and
 * frame rate are those of `aliasOf`, the model the alias pointed to when this package was released.
 *
 * @example
 * ```ts
 * import { models } from "@decart/models";
 *
 * models.video("lucy-latest").aliasOf; // "lucy-2.1"
 * models.video("lucy-latest").endpoints.jobs; // "/v1/jobs/lucy-latest"
 * ```
 */
export type ModelAliasDefinition<
  Name extends string = string,
  Kind extends ModelKind = ModelKind,
  Inputs extends StandardSchemaV1 = StandardSchemaV1,
  Target extends string = string,
> = ModelDefinition<Name, Kind, Inputs> & {
  /** The model this alias resolved to when this package was released; the server may resolve it to a newer one. */
  readonly aliasOf: Target;
};

/**
 * An old model name that keeps working: it is sent as it is, and the first use in a process warns once,
 * naming `replacedBy`.
 *
 * @example
 * ```ts
 * import { models } from "@decart/models";
 *
 * const old = models.video("lucy-restyle-v2v");
 * old.deprecated; // true
 * old.replacedBy; // "lucy-restyle-2"
 * ```
 */
export type DeprecatedModelDefinition<
  Name extends string = string,
  Kind extends ModelKind = ModelKind,
  Inputs extends StandardSchemaV1 = StandardSchemaV1,
  Replacement extends string = string,
> = ModelDefinition<Name, Kind, Inputs> & {
  /** Always `true`: use `replacedBy` instead. */
  readonly deprecated: true;
  /** The model to use instead; it takes the same inputs. */
  readonly replacedBy: Replacement;
};

/** Deprecated names that have already warned in this process: the only state this package keeps. */
const warned = /* @__PURE__ */ new Set<string>();

function warnDeprecated(name: string, replacement: string): void {
  if (warned.has(name)) return;
  warned.add(name);
  console.warn(
    `[@decart/models] ${name} is deprecated: use ${replacement} instead (it takes the same inputs).`,
  );
}

/**
 * Forgets which deprecated models have warned, so the next use warns again. For tests.
 *
 * @example
 * ```ts
 * import { resetDeprecationWarnings } from "@decart/models";
 *
 * resetDeprecationWarnings();
 * ```
 */
export function resetDeprecationWarnings(): void {
  warned.clear();
}

/** A server-resolved alias of `target`: the same model under another name. */
export function aliasModel<const Name extends string, Target extends ModelDefinition>(
  name: Name,
  target: Target,
): ModelAliasDefinition<Name, Target["kind"], Target["inputs"], Target["name"]> {
  return { ...target, name, endpoints: endpointsOf(name), aliasOf: target.name };
}

/** `inputs`, warning on every validation that `name` is deprecated (once per process). */
function warningOnUse<Inputs extends StandardSchemaV1>(
  inputs: Inputs,
  name: string,
  replacement: string,
): Inputs {
  const standard = inputs["~standard"];
  const props: StandardSchemaV1.Props = {
    ...standard,
    validate: (value) => {
      warnDeprecated(name, replacement);
      return standard.validate(value);
    },
  };
  // A zod copy keeps its shape and checks, so file fields, wire coercion and JSON Schema still work.
  const copy = isZodSchema(inputs) ? (z.clone(inputs) as unknown as Inputs) : { ...inputs };
  (copy as { "~standard": unknown })["~standard"] = props;
  return copy;
}

/** A deprecated name of `replacement`: it still works, and validating its inputs warns once per process. */
export function deprecatedModel<const Name extends string, Replacement extends ModelDefinition>(
  name: Name,
  replacement: Replacement,
): DeprecatedModelDefinition<Name, Replacement["kind"], Replacement["inputs"], Replacement["name"]> {
  return {
    ...replacement,
    name,
    endpoints: endpointsOf(name),
    inputs: warningOnUse(replacement.inputs, name, replacement.name),
    deprecated: true,
    replacedBy: replacement.name,
  };
}

/** Whether `model` is a deprecated name (its `replacedBy` says what to use). */
export function isDeprecated(model: ModelDefinition): model is DeprecatedModelDefinition {
  return (model as Partial<DeprecatedModelDefinition>).deprecated === true;
}
