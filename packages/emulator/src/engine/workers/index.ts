/**
 * The worker threads renders run in: the pool that queues, aborts and replaces workers (and kills their
 * ffmpeg processes), the messages between it and a worker, and finding the worker script (the built
 * `engine-worker.js`, or `../worker.ts` bundled on the fly from sources). It imports only the engine's
 * shared base files beside its folder (`../errors.js`, `../types.js`, `../module-path.js`).
 */
export { WorkerPool } from "./pool.js";
export type { WorkerReply, WorkerRequest } from "./worker-protocol.js";
