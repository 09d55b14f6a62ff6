import type { ModelDefinition } from "@decart/core";
import { inputJsonSchema, models } from "@decart/models";

/** One entry of the model picker, with what its form shows. */
export interface Mode {
  model: ModelDefinition;
  label: string;
  /** Whether the model takes a prompt (all but `lucy-motion`). */
  prompt: boolean;
  /** Resolutions the model accepts, the default first. */
  resolutions: string[];
  orientation: boolean;
  enhancePrompt: boolean;
  inferenceSteps: boolean;
  trajectory: boolean;
  /** File inputs, by wire field name, with what they accept. */
  files: Array<{ field: string; label: string; accept: "image" | "video" }>;
}

const labels: Record<string, string> = {
  "lucy-pro-t2v": "Text → video",
  "lucy-pro-i2v": "Image → video",
  "lucy-pro-v2v": "Video → video",
  "lucy-pro-t2i": "Text → image",
  "lucy-dev-i2v": "Image → video (fast dev)",
  "lucy-fast-v2v": "Video → video (fast)",
  "lucy-pro-flf2v": "First + last frame → video",
  "lucy-motion": "Image + motion path → video",
  "lucy-pro-i2i": "Image → image",
};

const fileLabels: Record<string, string> = {
  data: "Input",
  start: "First frame",
  end: "Last frame",
  reference_image: "Reference image",
};

/** The input fields of a model, read from its JSON Schema, so a custom model gets a form too. */
function fieldsOf(model: ModelDefinition): Set<string> {
  const properties = inputJsonSchema(model).properties;
  return new Set(typeof properties === "object" && properties !== null ? Object.keys(properties) : []);
}

function toMode(model: ModelDefinition): Mode {
  const fields = fieldsOf(model);
  return {
    model,
    label: labels[model.name] ?? `${model.name} (${model.task})`,
    prompt: fields.has("prompt"),
    resolutions: Object.keys(model.geometry),
    orientation: fields.has("orientation"),
    enhancePrompt: fields.has("enhance_prompt"),
    inferenceSteps: fields.has("num_inference_steps"),
    trajectory: fields.has("trajectory"),
    // Each file field says which kind of media it takes; the picker accepts exactly that.
    files: Object.entries(model.fileFields).map(([field, accept]) => ({
      field,
      label: fileLabels[field] ?? field,
      accept,
    })),
  };
}

/** The four generation modes first (text→video, image→video, video→video, text→image), then the rest. */
const order = ["lucy-pro-t2v", "lucy-pro-i2v", "lucy-pro-v2v", "lucy-pro-t2i"];

export const modes: Mode[] = models
  .list()
  .map(toMode)
  .sort((a, b) => rank(a.model.name) - rank(b.model.name));

function rank(name: string): number {
  const index = order.indexOf(name);
  return index === -1 ? order.length : index;
}

/** Motion paths offered for `lucy-motion`, as fractions of the frame over 5 s at 25 fps. */
export const trajectories: Record<string, Array<{ frame: number; x: number; y: number }>> = {
  "Left to right": [
    { frame: 0, x: 0.2, y: 0.5 },
    { frame: 124, x: 0.8, y: 0.5 },
  ],
  "Rise and fall": [
    { frame: 0, x: 0.2, y: 0.7 },
    { frame: 62, x: 0.5, y: 0.3 },
    { frame: 124, x: 0.8, y: 0.7 },
  ],
  Circle: Array.from({ length: 9 }, (_, index) => {
    const angle = (index / 8) * 2 * Math.PI;
    return {
      frame: Math.round((index / 8) * 124),
      x: 0.5 + 0.25 * Math.cos(angle),
      y: 0.5 + 0.25 * Math.sin(angle),
    };
  }),
};
