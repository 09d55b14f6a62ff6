import type { ModelDefinition, ModelGeometry } from "@decart/core";
import { inputJsonSchema } from "@decart/models";
import type { SampleMedia } from "./media";

/** A valid call of one model: the inputs to send and what the output must be. */
export interface ModelCall {
  /** Field values: strings, numbers, and Blobs for the file fields. */
  inputs: Record<string, string | number | Blob | ReadonlyArray<Record<string, number>>>;
  /** Size of the output for the resolution sent. */
  geometry: ModelGeometry;
  /** Frames of a video output: the length of the uploaded video, or the model's full clip. */
  frames?: number;
}

/** The prompt every sample call sends. */
export const samplePrompt = "A red fox trotting through fresh snow at dawn";

/** Two points a motion trajectory moves through. */
export const sampleTrajectory = [
  { frame: 0, x: 10, y: 5 },
  { frame: 24, x: 120, y: 60 },
];

/** The offered resolution with the fewest pixels: the cheapest output the model accepts. */
export function smallestResolution(model: Pick<ModelDefinition, "geometry">): string {
  const sizes = Object.entries(model.geometry).sort(
    ([, a], [, b]) => a.width * a.height - b.width * b.height,
  );
  const smallest = sizes[0];
  if (!smallest) throw new Error("the model offers no resolution");
  return smallest[0];
}

/**
 * The smallest valid call of `model`, built from its definition: every required field, the prompt when
 * it takes one, the smallest resolution it offers, and uploads of the media kind each file field takes.
 */
export function sampleCall(model: ModelDefinition, media: SampleMedia): ModelCall {
  const schema = inputJsonSchema(model) as { properties?: Record<string, unknown>; required?: string[] };
  const properties = Object.keys(schema.properties ?? {});
  const required = new Set(schema.required ?? []);
  const inputs: ModelCall["inputs"] = {};
  for (const field of properties) {
    const kind = model.fileFields[field];
    if (kind !== undefined) {
      if (!required.has(field)) continue;
      inputs[field] =
        kind === "video"
          ? new Blob([media.video as BlobPart], { type: "video/mp4" })
          : new Blob([media.image as BlobPart], { type: "image/png" });
    } else if (field === "prompt") inputs.prompt = samplePrompt;
    else if (field === "trajectory") inputs.trajectory = sampleTrajectory;
    else if (required.has(field)) throw new Error(`no sample value for the required field ${field}`);
  }
  const resolution = smallestResolution(model);
  if (properties.includes("resolution")) inputs.resolution = resolution;
  const geometry = model.geometry[resolution] as ModelGeometry;
  if (model.kind === "image") return { inputs, geometry };
  const editsVideo = Object.values(model.fileFields).includes("video");
  const fps = model.fps ?? 25;
  const frames = editsVideo
    ? Math.round(media.videoSeconds * fps)
    : Math.round(fps * (model.maxDurationSeconds ?? 5));
  return { inputs, geometry, frames };
}
