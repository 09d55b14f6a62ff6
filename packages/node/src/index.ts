export { combinedExitCode, exitCodeFor, exitCodes } from "./cli-exit-codes";
export { type FileFromBufferOptions, fileFromBuffer } from "./file-from-buffer";
export { type FileFromPathOptions, fileFromPath } from "./file-from-path";
export { type FileFromReadableOptions, fileFromReadable } from "./file-from-readable";
export { type FileFromUrlOptions, fileFromUrl } from "./file-from-url";
export { extensionForType } from "./media-type";
export { createProxyHandler, type ProxyHandler, type ProxyOptions } from "./proxy";
export type { ProxyForwardEvent, ProxyRefusalEvent } from "./proxy-audit";
export type { ProxyAuthorize, ProxyContext, ProxyVerdict } from "./proxy-authorize";
export { ProxyConfigurationError } from "./proxy-errors";
export { type ExpressMiddleware, toExpressMiddleware } from "./proxy-express";
export type { ProxyLimits } from "./proxy-limits";
export type { ProxyInputs, ProxyModelPolicy } from "./proxy-models";
export { type NodeRequestListener, toNodeHandler } from "./proxy-node";
export {
  type NodeBatchItem,
  type NodeBatchOutcome,
  type RunBatchOptions,
  type RunBatchSummary,
  runBatch,
} from "./run-batch";
export { type SavedResult, type SaveResultOptions, saveResult } from "./save-result";
export { saveResultAs } from "./save-result-as";
