import type { ModelDefinition, ModelGeometry } from "@decart/core";
import { InvalidInputError } from "@decart/core";
import type { Orientation, Resolution } from "./fields";

/**
 * Output sizes of the Decart generation models, landscape (portrait swaps width and height):
 * 720p is 1280×704, 480p is 832×480.
 *
 * @example
 * ```ts
 * import { standardGeometry } from "@decart/models";
 *
 * standardGeometry["480p"]; // { width: 832, height: 480 }
 * ```
 */
export const standardGeometry: Readonly<Record<Resolution, ModelGeometry>> = {
  "720p": { width: 1280, height: 704 },
  "480p": { width: 832, height: 480 },
};

/** Which output to size: both default as the models do (`720p`, `landscape`). */
export interface OutputSizeOptions {
  /** @default "720p" (or the model's only resolution) */
  resolution?: string | undefined;
  /** @default "landscape" */
  orientation?: Orientation | undefined;
}

/**
 * The pixel size of what `model` produces for the given resolution and orientation.
 * Throws `InvalidInputError` for a resolution the model does not offer.
 *
 * @example
 * ```ts
 * import { models, outputSize } from "@decart/models";
 *
 * outputSize(models.video("lucy-pro-t2v"), { resolution: "480p", orientation: "portrait" });
 * // { width: 480, height: 832 }
 * outputSize(models.image("lucy-pro-t2i")); // { width: 1280, height: 704 }
 * ```
 */
export function outputSize(
  model: Pick<ModelDefinition, "name" | "geometry">,
  options: OutputSizeOptions = {},
): ModelGeometry {
  const offered = Object.keys(model.geometry);
  const resolution = options.resolution ?? (offered.includes("720p") ? "720p" : offered[0]);
  const size = resolution === undefined ? undefined : model.geometry[resolution];
  if (!size) {
    throw InvalidInputError.fromIssues(model.name, [
      { field: "resolution", message: `resolution must be one of ${offered.join(", ")}` },
    ]);
  }
  return options.orientation === "portrait"
    ? { width: size.height, height: size.width }
    : { width: size.width, height: size.height };
}
