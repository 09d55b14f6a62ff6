import type { RenderJob, RenderResult } from "../types.js";

/** Messages from the pool to a worker. */
export type WorkerRequest =
  | { type: "render"; id: number; job: RenderJob; temporaryPath: string; abortFlag: SharedArrayBuffer }
  | { type: "abort"; id: number };

/** Messages from a worker to the pool. */
export type WorkerReply =
  | { type: "progress"; id: number; fraction: number }
  | { type: "child"; id: number; pid: number }
  | { type: "done"; id: number; result: RenderResult }
  | { type: "error"; id: number; error: { name: string; message: string; field?: string; stack?: string } };
