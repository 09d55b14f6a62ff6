export {
  DecartSDKError,
  type DecartErrorCode,
  type DecartErrorOptions,
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
export type { ModelDefinition, ModelGeometry, ModelInputs, ModelKind } from "./model";
export type { StandardSchemaV1 } from "./standard-schema";
