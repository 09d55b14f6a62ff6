export {
  type NodeBatchItem,
  type NodeBatchOutcome,
  type ResubmittedItem,
  type RunBatchOptions,
  type RunBatchSummary,
  runBatch,
} from "./batch/index";
export { combinedExitCode, exitCodeFor, exitCodes } from "./cli/index";
export {
  extensionForType,
  type FileFromBufferOptions,
  type FileFromPathOptions,
  type FileFromReadableOptions,
  type FileFromUrlOptions,
  fileFromBuffer,
  fileFromPath,
  fileFromReadable,
  fileFromUrl,
} from "./files/index";
export {
  createProxyHandler,
  type ExpressMiddleware,
  type NodeRequestListener,
  type ProxyAuthorize,
  ProxyConfigurationError,
  type ProxyContext,
  type ProxyForwardEvent,
  type ProxyHandler,
  type ProxyInputs,
  type ProxyLimits,
  type ProxyModelPolicy,
  type ProxyOptions,
  type ProxyRefusalEvent,
  type ProxyVerdict,
  toExpressMiddleware,
  toNodeHandler,
} from "./proxy/index";
export { type SavedResult, type SaveResultOptions, saveResult, saveResultAs } from "./save/index";
export {
  createTokenHandler,
  type TokenHandler,
  type TokenHandlerOptions,
  type TokenMintEvent,
  type TokenRateLimit,
  type TokenRefusalEvent,
} from "./tokens/index";
