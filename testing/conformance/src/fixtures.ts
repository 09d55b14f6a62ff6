import type { ModelDefinition } from "@decart/core";
import { isDeprecated, models } from "@decart/models";
import { beforeAll } from "vitest";
import { createSampleMedia, type SampleMedia } from "./media";

/** The sample inputs, rendered once per test file before its tests. */
export function useSampleMedia(): SampleMedia {
  const media = { image: new Uint8Array(), video: new Uint8Array(), videoSeconds: 0 };
  beforeAll(async () => {
    Object.assign(media, await createSampleMedia());
  });
  return media;
}

/** One current (not deprecated) model of each task, in registry order: the cheapest full coverage. */
export function oneModelPerTask(kind: "video" | "image"): ModelDefinition[] {
  const byTask = new Map<string, ModelDefinition>();
  for (const model of models.list(kind)) {
    if (isDeprecated(model) || byTask.has(model.task)) continue;
    byTask.set(model.task, model);
  }
  return [...byTask.values()];
}

/** The first model that `accepts`, or a failure naming what the registry lacks. */
export function firstModel(
  description: string,
  accepts: (model: ModelDefinition) => boolean,
): ModelDefinition {
  const found = models.list().find((model) => !isDeprecated(model) && accepts(model));
  if (!found) throw new Error(`the registry has no model that ${description}`);
  return found;
}
