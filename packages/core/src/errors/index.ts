// The SDK's error classes: `DecartSDKError` and one subclass per failure, with the brand that survives
// two installed copies; the wording of an issue's clause; the wording of a 401/403 by who refused (the
// API, for a key or a client token, or a proxy); and the mark that tells a failure of the caller's own
// callback from the server's. Imports no other room: every room may import this one.
export { isCallbackFailure, markCallbackFailure } from "./callback-failure";
export {
  asDecartError,
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
  retryableStatuses,
  TimeoutError,
} from "./errors";
export { clauseFor } from "./issue-clause";
export { type RequestCredential, refusalError } from "./refusal";
