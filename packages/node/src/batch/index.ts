// Batches on Node: `runBatch` (core's batch with results saved to files and a resumable journal), the save
// path template, and what `decart batch` builds on: `--shard i/n`, the items of a JSON-lines input file and
// the progress view. Imports the save and files rooms only.

export type { ResubmittedItem } from "./in-doubt";
export { type InputLine, InputLineError, lineItems } from "./input-lines";
export {
  type NodeBatchItem,
  type NodeBatchOutcome,
  type RunBatchOptions,
  type RunBatchSummary,
  runBatch,
} from "./run-batch";
export { inShard, type Shard, shardArgument } from "./shard";
export { BatchView, type BatchViewOutput } from "./view";
