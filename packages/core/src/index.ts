export { type ApiKeyGrant, type ApiKeyProvider, isClientToken } from "./auth/index";
export type {
  BatchEvent,
  BatchItem,
  BatchListener,
  BatchOptions,
  BatchOutcome,
  BatchSnapshot,
  BatchSubmission,
  BatchSummary,
} from "./batch/index";
export { BatchRun, type BatchSource, batchItemKey, createBatch } from "./batch/index";
export { createDecartClient, type DecartClient, type DecartClientOptions } from "./client/index";
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
  PermissionDeniedError,
  ProcessingError,
  RateLimitError,
  TimeoutError,
} from "./errors/index";
export type { FileInput } from "./files/index";
export {
  createGeneration,
  type GenerationListener,
  GenerationObserver,
  type GenerationSnapshot,
} from "./generation/index";
export type {
  JobPollOptions,
  JobRequestOptions,
  PollingOptions,
  ProcessOptions,
  ProcessPromise,
  ProcessResponse,
  ProcessTimings,
  QueueClient,
  RequestControls,
  SubmitAndPollResult,
  SubmitOptions,
} from "./jobs/index";
export type {
  JobInfo,
  JobStatus,
  MediaKind,
  ModelDefinition,
  ModelGeometry,
  ModelInputs,
  ModelKind,
  ModelTask,
  ProgressEvent,
  StandardSchemaV1,
} from "./model/index";
export type {
  AfterResponseState,
  BeforeRequestState,
  BeforeRetryState,
  DecartPlugin,
  ErrorState,
  StatusChangeState,
} from "./plugins/index";
export { type LogEntry, type LoggerPluginOptions, type LogLevel, loggerPlugin } from "./plugins/index";
// The paths also ship from the main entry, so a model registry built on them shares the client's copy.
export { routes } from "./protocol/index";
export { APIPromise, type APIResponse } from "./response/index";
export type { ClientToken, CreateTokenOptions, TokenConstraints, TokensClient } from "./tokens/index";
export type { RetryOptions } from "./transport/index";
export type { FileReference, FileRequestOptions, FilesClient, FileUploadOptions } from "./uploads/index";
