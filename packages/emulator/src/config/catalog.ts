import type { ModelDefinition } from "@decart/core";
import { HttpError, quote } from "../http/index";

/** The models an emulator serves, by name. */
export interface Catalog {
  /** The model named `name`; throws the 404 `MODEL_NOT_FOUND` for any other. */
  find(name: string): ModelDefinition;
  /** Every model's name, in the order given. */
  names(): string[];
}

/** A {@link Catalog} of `models` (a later model of the same name replaces an earlier one). */
export function createCatalog(models: Iterable<ModelDefinition>): Catalog {
  const byName = new Map<string, ModelDefinition>();
  for (const model of models) byName.set(model.name, model);
  return {
    find(name) {
      const model = byName.get(name);
      if (model) return model;
      throw new HttpError(
        404,
        "MODEL_NOT_FOUND",
        `No model named ${quote(name)}; this server knows ${[...byName.keys()].join(", ")}`,
      );
    },
    names: () => [...byName.keys()],
  };
}
