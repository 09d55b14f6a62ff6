/**
 * The media engine: the `Engine` contract the server renders through (`RenderRequest` in, `RenderResult`
 * out, `MediaInputError` for unusable uploads) and the default procedural engine, which draws frames
 * (`drawing/`), decodes and encodes them with ffmpeg and sharp (`media/`) in worker threads (`workers/`).
 * It imports no other room of the package; its sub-rooms import only the base files beside this one.
 */
export { MediaInputError } from "./errors.js";
export {
  ensureExecutable,
  ffmpegPathVariable,
  type ImageInfo,
  probeImage,
  probeVideo,
  resolveFfmpeg,
} from "./media/index.js";
export { packageRequire } from "./module-path.js";
export { createProceduralEngine, type ProceduralEngineOptions } from "./procedural-engine.js";
export type {
  Engine,
  RenderInputs,
  RenderKind,
  RenderRequest,
  RenderResult,
  RenderTask,
  TrajectoryPoint,
} from "./types.js";
