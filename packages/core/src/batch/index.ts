// Batches: `createBatch` runs many items through one client with a concurrency limit, rate-limit
// backoff, resumable item keys, events and a summary. Imported apart from the client, so an app that
// never runs a batch does not bundle it. Imports errors/, timing/, model/, jobs/, client/ and protocol/.
export { BatchRun, type BatchSource, createBatch } from "./batch";
export { batchItemKey } from "./batch-key";
export type {
  BatchEvent,
  BatchItem,
  BatchListener,
  BatchOptions,
  BatchOutcome,
  BatchSnapshot,
  BatchSubmission,
  BatchSummary,
} from "./batch-types";
