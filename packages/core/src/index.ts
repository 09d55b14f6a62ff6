export { BatchRun, type BatchSource, createBatch } from "./batch";
export { batchItemKey } from "./batch-key";
export type {
  BatchEvent,
  BatchItem,
  BatchListener,
  BatchOptions,
  BatchOutcome,
  BatchSnapshot,
  BatchSummary,
} from "./batch-types";
export { createDecartClient, type DecartClient, type DecartClientOptions } from "./client";
export {
  type DecartErrorCode,
  type DecartErrorOptions,
  DecartSDKError,
  type InputIssue,
  InvalidAPIKeyError,
  InvalidBaseURLError,
  InvalidInputError,
  isDecartError,
  ModelNotFoundError,
  ProcessingError,
  RateLimitError,
  TimeoutError,
} from "./errors";
export type { FileInput } from "./file-input";
export {
  createGeneration,
  type GenerationListener,
  GenerationObserver,
  type GenerationSnapshot,
} from "./generation";
export type { JobInfo, JobStatus, ProgressEvent } from "./job";
export { type LogEntry, type LoggerPluginOptions, type LogLevel, loggerPlugin } from "./logger";
export type {
  MediaKind,
  ModelDefinition,
  ModelGeometry,
  ModelInputs,
  ModelKind,
  ModelTask,
} from "./model";
export type {
  AfterResponseState,
  BeforeRequestState,
  BeforeRetryState,
  DecartPlugin,
  ErrorState,
  StatusChangeState,
} from "./plugins";
export type { PollingOptions } from "./poll";
export type { ProcessOptions, RequestControls } from "./process";
export type { ProcessPromise } from "./process-promise";
export type { ProcessResponse, ProcessTimings } from "./process-response";
// The paths also ship from the main entry, so a model registry built on them shares the client's copy.
export { routes } from "./protocol/routes";
export type {
  JobPollOptions,
  JobRequestOptions,
  QueueClient,
  SubmitAndPollResult,
  SubmitOptions,
} from "./queue";
export type { RetryOptions } from "./retry";
export type { StandardSchemaV1 } from "./standard-schema";
