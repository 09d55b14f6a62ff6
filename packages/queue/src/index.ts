export { type RedisConnection, RedisUnreachableError } from "./connection";
export type { DecartJobData, FailureRecord, QueueItem } from "./items";
export { prepareItem } from "./items";
export {
  type AddOptions,
  type AddSummary,
  createDecartQueue,
  type DecartQueue,
  type DecartQueueOptions,
  type FailedItem,
  type QueueStatus,
} from "./queue";
export type { S3Options } from "./s3";
export { type OutputNames, type ResultStore, resultStore, type StoredResult } from "./store";
export {
  type DecartJobResult,
  type DecartWorker,
  type DecartWorkerOptions,
  startDecartWorker,
  type WorkerEvent,
} from "./worker";
