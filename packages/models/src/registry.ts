import type { ModelDefinition, ModelKind } from "@decart/core";
import { ModelNotFoundError } from "@decart/core";
import { isDeprecated } from "./lifecycle";

/** A record of definitions keyed by their names, built from a list of definitions. */
export type ModelsByName<Definitions extends readonly ModelDefinition[]> = {
  [Definition in Definitions[number] as Definition["name"]]: Definition;
};

/** The names in `Models` whose definitions are of kind `Kind`. */
export type ModelNameOfKind<Models, Kind extends ModelKind> = {
  [Name in keyof Models]: Models[Name] extends {
    /** The kind the definition must have for its name to be kept. */
    readonly kind: Kind;
  }
    ? Name
    : never;
}[keyof Models] &
  string;

/**
 * An immutable set of model definitions, looked up by name. `video` and `image` accept only names of
 * their kind (autocompleted) and return each model's precise definition, so `client.process` knows the
 * model's inputs.
 *
 * @example
 * ```ts
 * import { models } from "@decart/models";
 *
 * const t2v = models.video("lucy-pro-t2v"); // ModelDefinition<"lucy-pro-t2v", "video", …>
 * models.list("image").map((model) => model.name); // ["lucy-pro-t2i", "lucy-pro-i2i"]
 * ```
 */
export interface ModelRegistry<
  Models extends Record<string, ModelDefinition> = Record<string, ModelDefinition>,
> {
  /**
   * The video model named `name`. Throws `ModelNotFoundError` for an unknown name (suggesting close
   * ones) or an image model.
   */
  video<Name extends ModelNameOfKind<Models, "video">>(name: Name): Models[Name];
  /**
   * The image model named `name`. Throws `ModelNotFoundError` for an unknown name (suggesting close
   * ones) or a video model.
   */
  image<Name extends ModelNameOfKind<Models, "image">>(name: Name): Models[Name];
  /**
   * The model named `name`, of either kind, with its precise definition. Throws `ModelNotFoundError`
   * when there is none.
   */
  get<Name extends keyof Models & string>(name: Name): Models[Name];
  /**
   * The model named by any string (a name read at run time, say), typed as a plain `ModelDefinition`.
   * Throws `ModelNotFoundError` when there is none.
   */
  get(name: string): ModelDefinition;
  /** Whether a model named `name` is in this registry. */
  has(name: string): name is keyof Models & string;
  /** Every model, or every model of one kind, in registration order. */
  list(kind?: ModelKind): Array<Models[keyof Models]>;
  /**
   * A new registry with these definitions added (a definition with an existing name replaces it).
   * This registry is left unchanged.
   */
  with<const Extra extends readonly ModelDefinition[]>(
    ...definitions: Extra
  ): ModelRegistry<Omit<Models, Extra[number]["name"]> & ModelsByName<Extra>>;
}

/** Levenshtein distance, one row at a time. */
function distance(a: string, b: string): number {
  let previous = [...Array(b.length + 1).keys()];
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + +(a[i - 1] !== b[j - 1]),
      );
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** Known names close to `name` (edit distance, or one containing the other), nearest first. */
function closeNames(name: string, known: readonly string[]): string[] {
  const wanted = name.toLowerCase();
  return known
    .map((candidate) => ({ candidate, score: distance(wanted, candidate) }))
    .filter(
      ({ candidate, score }) =>
        score <= Math.max(2, Math.floor(candidate.length / 3)) ||
        (wanted.length >= 3 && (candidate.includes(wanted) || wanted.includes(candidate))),
    )
    .sort((left, right) => left.score - right.score)
    .filter(({ score }, _, [best]) => score <= (best?.score ?? 0))
    .map(({ candidate }) => candidate);
}

/**
 * A registry of the given model definitions: the built-in `models` is one, and you can make your own,
 * for example to add custom models. Registries are immutable (there is no global list to mutate), so
 * adding a model in one place never changes what `models.video()` means in another.
 *
 * @example
 * ```ts
 * import * as z from "zod/mini";
 * import { createRegistry, defineModel, lucyProT2v } from "@decart/models";
 *
 * const myModel = defineModel({
 *   name: "my-t2v",
 *   kind: "video",
 *   task: "text-to-video",
 *   inputs: z.strictObject({ prompt: z.string() }),
 * });
 * const registry = createRegistry(lucyProT2v, myModel);
 * registry.video("my-t2v").endpoints.jobs; // "/v1/jobs/my-t2v"
 * ```
 */
export function createRegistry<const Definitions extends readonly ModelDefinition[]>(
  ...definitions: Definitions
): ModelRegistry<ModelsByName<Definitions>> {
  const byName = new Map<string, ModelDefinition>();
  for (const definition of definitions) byName.set(definition.name, definition);
  // Deprecated names still resolve, but an error never suggests or lists them.
  const names = [...byName.values()]
    .filter((definition) => !isDeprecated(definition))
    .map(({ name }) => name);

  const notFound = (name: string, kind?: ModelKind): ModelNotFoundError => {
    const scope = kind ? names.filter((known) => byName.get(known)?.kind === kind) : names;
    const close = closeNames(String(name), scope);
    const hint = close.length ? ` Did you mean ${close.slice(0, 3).join(" or ")}?` : "";
    const of = kind ? `${kind} ` : "";
    return new ModelNotFoundError(
      `Unknown ${of}model "${name}".${hint} Known ${of}models: ${scope.join(", ")}.`,
    );
  };
  const article = (kind: ModelKind) => (kind === "image" ? "an image" : "a video");

  const lookup = (name: string, kind?: ModelKind): ModelDefinition => {
    const definition = byName.get(name);
    if (!definition) throw notFound(name, kind);
    if (kind && definition.kind !== kind) {
      throw new ModelNotFoundError(
        `${name} is ${article(definition.kind)} model, not ${article(kind)} model: use models.${definition.kind}("${name}").`,
      );
    }
    return definition;
  };

  const registry: ModelRegistry = {
    video: (name) => lookup(name, "video"),
    image: (name) => lookup(name, "image"),
    get: (name: string) => lookup(name),
    has: (name): name is string => byName.has(name),
    list: (kind) => [...byName.values()].filter((definition) => !kind || definition.kind === kind),
    with: (...extra) => createRegistry(...byName.values(), ...extra) as never,
  };
  return registry as unknown as ModelRegistry<ModelsByName<Definitions>>;
}
