export { probeVideo } from "./decoder.js";
export { MediaInputError } from "./errors.js";
export { type ImageInfo, probeImage } from "./images.js";
export { createProceduralEngine, type ProceduralEngineOptions } from "./procedural-engine.js";
export { chooseStyle, enhancePrompt, type StyleName } from "./prompt.js";
export type {
  Engine,
  RenderInputs,
  RenderKind,
  RenderRequest,
  RenderResult,
  RenderTask,
  TrajectoryPoint,
} from "./types.js";
