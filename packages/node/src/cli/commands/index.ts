// The subcommands of `decart`, one file each (`batch`, `generate`, `jobs`, `models`, `queue`) with the files
// only one of them uses beside it. Part of the cli room: they import its shared files (context, flags,
// connection, exit codes) directly, and the batch, save and files rooms through their index.
export { registerBatchCommand } from "./batch";
export { registerGenerate } from "./generate";
export { registerJobs } from "./jobs";
export { registerModels } from "./models";
export { registerQueue } from "./queue";
