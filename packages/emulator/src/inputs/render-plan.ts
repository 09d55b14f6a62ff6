import type { MediaKind, ModelDefinition, ModelTask } from "@decart/core";
import type { RenderInputs, RenderRequest, RenderTask, TrajectoryPoint } from "../engine/index";

/** What the server decides before a render: everything but the seed, the output path and the signal. */
export type RenderPlan = Omit<RenderRequest, "seed" | "outputPath" | "signal" | "onProgress">;

/** How the engine performs each task a model can declare: edits and restyles style their input frames. */
const renderTasks: Readonly<Record<ModelTask, RenderTask>> = {
  "text-to-video": "text-to-video",
  "image-to-video": "image-to-video",
  "frames-to-video": "first-last-frame",
  motion: "motion",
  "video-to-video": "video-to-video",
  "video-edit": "video-to-video",
  restyle: "video-to-video",
  "try-on": "try-on",
  "text-to-image": "text-to-image",
  "image-to-image": "image-to-image",
};

/**
 * The engine task for a model, read from its declared `task`; a video model that declares an image
 * task (or the other way round) is rendered as its kind's edit.
 */
export function taskOf(model: Pick<ModelDefinition, "kind" | "task">): RenderTask {
  const task = renderTasks[model.task] ?? (model.kind === "image" ? "image-to-image" : "video-to-video");
  const imageTask = task === "text-to-image" || task === "image-to-image";
  if (model.kind === "image") return imageTask ? task : "image-to-image";
  return imageTask ? "video-to-video" : task;
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

/** The uploaded file fields of `model` that take `kind`, in the model's order. */
export function fieldsOfKind(
  model: Pick<ModelDefinition, "fileFields">,
  files: Readonly<Record<string, unknown>>,
  kind: MediaKind,
): string[] {
  return Object.entries(model.fileFields)
    .filter(([field, fieldKind]) => fieldKind === kind && files[field] !== undefined)
    .map(([field]) => field);
}
