import type { ModelDefinition } from "@decart/core";
import type { RenderInputs, RenderRequest, RenderTask, TrajectoryPoint } from "./engine/types";

/** What the server decides before a render: everything but the seed, the output path and the signal. */
export type RenderPlan = Omit<RenderRequest, "seed" | "outputPath" | "signal" | "onProgress">;

const knownTasks: Readonly<Record<string, RenderTask>> = {
  "lucy-pro-t2v": "text-to-video",
  "lucy-pro-i2v": "image-to-video",
  "lucy-dev-i2v": "image-to-video",
  "lucy-pro-v2v": "video-to-video",
  "lucy-fast-v2v": "video-to-video",
  "lucy-pro-flf2v": "first-last-frame",
  "lucy-motion": "motion",
  "lucy-pro-t2i": "text-to-image",
  "lucy-pro-i2i": "image-to-image",
  "lucy-vton-2": "try-on",
  "lucy-vton-3": "try-on",
};

/**
 * The task of a model: known for the built-in models (and their aliases and deprecated names), guessed
 * from the kind and inputs for the others — a video model whose `data` is not an image edits a video.
 */
export function taskOf(model: Pick<ModelDefinition, "name" | "kind" | "fileFields">): RenderTask {
  const { aliasOf, replacedBy } = model as { aliasOf?: string; replacedBy?: string };
  const known = knownTasks[model.name] ?? knownTasks[aliasOf ?? ""] ?? knownTasks[replacedBy ?? ""];
  if (known) return known;
  const files = new Set(Object.keys(model.fileFields));
  if (model.kind === "image") return files.size > 0 ? "image-to-image" : "text-to-image";
  if (files.has("start") && files.has("end")) return "first-last-frame";
  if (/motion/.test(model.name)) return "motion";
  if (/i2v|image-to-video/.test(model.name)) return "image-to-video";
  return files.has("data") ? "video-to-video" : "text-to-video";
}

/** The output size for the validated `resolution` and `orientation` (720p landscape by default). */
export function sizeOf(
  model: Pick<ModelDefinition, "geometry">,
  resolution: unknown,
  orientation: unknown,
): { width: number; height: number } {
  const offered = Object.keys(model.geometry);
  const name =
    typeof resolution === "string" && resolution in model.geometry
      ? resolution
      : offered.includes("720p")
        ? "720p"
        : offered[0];
  const size = (name === undefined ? undefined : model.geometry[name]) ?? { width: 1280, height: 704 };
  return orientation === "portrait" ? { width: size.height, height: size.width } : { ...size };
}

/**
 * Turns a model and its validated inputs (file fields already replaced by paths on disk) into the
 * request the engine renders.
 */
export function planRender(
  model: ModelDefinition,
  inputs: Readonly<Record<string, unknown>>,
  files: Readonly<Record<string, string>>,
): RenderPlan {
  const { width, height } = sizeOf(model, inputs.resolution, inputs.orientation);
  const renderInputs: RenderInputs = {};
  for (const field of ["data", "start", "end", "reference_image"] as const) {
    const path = files[field];
    if (path !== undefined) renderInputs[field] = path;
  }
  const plan: RenderPlan = {
    model: model.name,
    kind: model.kind,
    task: taskOf(model),
    width,
    height,
    fps: model.fps ?? 25,
    maxDurationSeconds: model.maxDurationSeconds ?? 5,
    prompt: typeof inputs.prompt === "string" ? inputs.prompt : "",
    inputs: renderInputs,
  };
  if (Array.isArray(inputs.trajectory)) plan.trajectory = inputs.trajectory as TrajectoryPoint[];
  if (typeof inputs.num_inference_steps === "number") plan.numInferenceSteps = inputs.num_inference_steps;
  if (typeof inputs.enhance_prompt === "boolean") plan.enhancePrompt = inputs.enhance_prompt;
  return plan;
}

/** The uploaded fields of a plan that must be images (as opposed to the video of video-to-video or try-on). */
export function imageFields(
  plan: Pick<RenderPlan, "task" | "inputs">,
): Array<"data" | "start" | "end" | "reference_image"> {
  const present = (["data", "start", "end", "reference_image"] as const).filter(
    (field) => plan.inputs[field] !== undefined,
  );
  return plan.task === "video-to-video" || plan.task === "try-on"
    ? present.filter((field) => field !== "data")
    : present;
}

/** The uploaded fields of a plan that must be videos: the `data` of video-to-video and try-on. */
export function videoFields(plan: Pick<RenderPlan, "task" | "inputs">): Array<"data"> {
  return (plan.task === "video-to-video" || plan.task === "try-on") && plan.inputs.data !== undefined
    ? ["data"]
    : [];
}
