export { type Emulator, type EmulatorLimits, type EmulatorOptions, startEmulator } from "./emulator";
export { MediaInputError } from "./engine/errors";
export type {
  Engine,
  RenderInputs,
  RenderKind,
  RenderRequest,
  RenderResult,
  RenderTask,
  TrajectoryPoint,
} from "./engine/types";
