// What a model is and what its jobs report: `ModelDefinition` (name, kind, endpoints, inputs as a
// Standard Schema, output), the Standard Schema interface itself, and `JobInfo`, `JobStatus` and
// `ProgressEvent`. Types only. Imports only protocol/ (the job statuses).
export type { JobInfo, JobStatus, ProgressEvent } from "./job";
export type {
  MediaKind,
  ModelDefinition,
  ModelGeometry,
  ModelInputs,
  ModelKind,
  ModelTask,
} from "./model";
export type { StandardSchemaV1 } from "./standard-schema";
