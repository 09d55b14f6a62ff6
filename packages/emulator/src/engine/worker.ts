/**
 * Worker-thread entry of the procedural engine. Built as its own bundle (`engine-worker.js`); the pool
 * sends it jobs and an abort flag in shared memory, and it answers with progress, child pids and results.
 */
import type { ChildProcess } from "node:child_process";
import { parentPort } from "node:worker_threads";
import sharp from "sharp";
import { renderJob } from "./render.js";
import type { RenderJob } from "./types.js";
import type { WorkerReply, WorkerRequest } from "./workers/index.js";

sharp.cache(false);
sharp.concurrency(1);

const port = parentPort;
if (!port) throw new Error("engine-worker must run in a worker thread");

const children = new Map<number, Set<ChildProcess>>();

function post(message: WorkerReply): void {
  port?.postMessage(message);
}

function killChildren(id: number): void {
  for (const child of children.get(id) ?? []) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
}

port.on("message", (message: WorkerRequest) => {
  if (message.type === "abort") {
    killChildren(message.id);
    return;
  }
  const { id, job, temporaryPath } = message;
  const flag = new Int32Array(message.abortFlag);
  const own = new Set<ChildProcess>();
  children.set(id, own);
  renderJob(job as RenderJob, {
    temporaryPath,
    isAborted: () => Atomics.load(flag, 0) !== 0,
    onChild(child) {
      own.add(child);
      if (child.pid !== undefined) post({ type: "child", id, pid: child.pid });
      child.on("close", () => own.delete(child));
    },
    onProgress: (fraction) => post({ type: "progress", id, fraction }),
  })
    .then(
      (result) => post({ type: "done", id, result }),
      (error: unknown) => {
        killChildren(id);
        const value = error as { name?: string; message?: string; field?: string; stack?: string };
        post({
          type: "error",
          id,
          error: {
            name: value?.name ?? "Error",
            message: value?.message ?? String(error),
            field: value?.field,
            stack: value?.stack,
          },
        });
      },
    )
    .finally(() => children.delete(id));
});
