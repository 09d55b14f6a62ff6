export { type Emulator, type EmulatorLimits, type EmulatorOptions, startEmulator } from "./emulator";
export {
  createProceduralEngine,
  type Engine,
  MediaInputError,
  type ProceduralEngineOptions,
  type RenderInputs,
  type RenderKind,
  type RenderRequest,
  type RenderResult,
  type RenderTask,
  type TrajectoryPoint,
} from "./engine/index";
export type { JsonWebKeySet, PublicJwk } from "./tokens/index";
