import { rm } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import { Worker } from "node:worker_threads";
import { MediaInputError } from "../errors.js";
import type { RenderJob, RenderResult } from "../types.js";
import { resolveWorkerEntry } from "./worker-entry.js";
import type { WorkerReply, WorkerRequest } from "./worker-protocol.js";

/** How long a worker gets to stop by itself after an abort before it is terminated. */
const abortGraceMs = 40;

/**
 * How long a worker beyond the first may sit idle before it exits. Renders one after another all run on
 * the first free worker, so a second one only idles: its thread, its sharp and its scratch (some 30 MB
 * resident) are given back, and it is started again (about 100 ms) when two renders overlap.
 */
const idleWorkerMs = 2_000;

interface Task {
  id: number;
  job: RenderJob;
  temporaryPath: string;
  signal: AbortSignal;
  onProgress?: (fraction: number) => void;
  resolve(result: RenderResult): void;
  reject(error: unknown): void;
  abortFlag: Int32Array;
  pids: Set<number>;
  slot?: Slot;
  settled: boolean;
  removeAbortListener?: () => void;
}

interface Slot {
  worker: Worker;
  task?: Task;
  /** Set while the worker idles and is not the last one: it exits when this fires. */
  idleTimer?: NodeJS.Timeout;
}

let nextTaskId = 1;

/** A temporary name in the output's folder, keeping the extension. */
function temporaryPathFor(outputPath: string, id: number): string {
  const extension = extname(outputPath);
  return join(
    dirname(outputPath),
    `.${basename(outputPath, extension)}.${process.pid}-${id}.partial${extension}`,
  );
}

function killPid(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

/** A worker about to be terminated: its exit is expected, and a last error it reports is dropped. */
function retire(worker: Worker): void {
  worker
    .removeAllListeners("exit")
    .removeAllListeners("error")
    .on("error", () => {});
}

/**
 * A fixed set of worker threads running renders, at most one per worker; later renders wait in order.
 * An abort flips a shared flag the worker checks between frames; a worker that does not stop within
 * {@link abortGraceMs} is terminated, its ffmpeg processes killed and a fresh worker started.
 */
export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  /** Workers being terminated after an abort, with the task they ran, until they are gone. */
  private readonly retiring = new Map<Worker, Task>();
  private readonly size: number;
  /** Workers being started by a dispatch, not yet in `slots`. */
  private starting = 0;
  private closed = false;

  /** `env` is the environment of the worker threads (by default a copy of `process.env`). */
  constructor(
    size: number,
    private readonly env?: NodeJS.ProcessEnv,
  ) {
    this.size = Math.max(1, Math.floor(size));
  }

  /** Run a job on a worker. Rejects with `signal.reason` when aborted. */
  run(job: RenderJob, signal: AbortSignal, onProgress?: (fraction: number) => void): Promise<RenderResult> {
    if (this.closed) return Promise.reject(new Error("The engine is closed"));
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<RenderResult>((resolve, reject) => {
      const id = nextTaskId++;
      const task: Task = {
        id,
        job,
        signal,
        onProgress,
        resolve,
        reject,
        temporaryPath: temporaryPathFor(job.outputPath, id),
        abortFlag: new Int32Array(new SharedArrayBuffer(4)),
        pids: new Set(),
        settled: false,
      };
      const onAbort = () => void this.abort(task);
      signal.addEventListener("abort", onAbort, { once: true });
      task.removeAbortListener = () => signal.removeEventListener("abort", onAbort);
      this.queue.push(task);
      void this.dispatch();
    });
  }

  /** Terminate every worker; queued and running renders reject. */
  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) this.settle(task, new Error("The engine was closed"));
    await Promise.all(
      this.slots.map(async (slot) => {
        clearTimeout(slot.idleTimer);
        const task = slot.task;
        // The thread first, then the processes it started (none can start after), then their file.
        retire(slot.worker);
        await slot.worker.terminate();
        if (task) {
          for (const pid of task.pids) killPid(pid);
          await rm(task.temporaryPath, { force: true });
          this.settle(task, new Error("The engine was closed"));
        }
      }),
    );
    this.slots.length = 0;
  }

  private async dispatch(): Promise<void> {
    while (this.queue.length > 0) {
      let slot = this.slots.find((candidate) => !candidate.task);
      if (!slot && this.slots.length + this.starting < this.size) {
        let worker: Worker;
        // Counted while it starts, so that dispatches overlapping this one start no more than `size`.
        this.starting++;
        try {
          worker = await this.spawn();
        } catch (error) {
          // No worker, no render: the queued ones fail now rather than wait for ever.
          for (const task of this.queue.splice(0)) this.settle(task, error);
          return;
        } finally {
          this.starting--;
        }
        if (this.closed) {
          await worker.terminate();
          return;
        }
        slot = { worker };
        this.slots.push(slot);
        continue;
      }
      if (!slot) return;
      const task = this.queue.shift() as Task;
      clearTimeout(slot.idleTimer);
      slot.idleTimer = undefined;
      slot.task = task;
      task.slot = slot;
      const message: WorkerRequest = {
        type: "render",
        id: task.id,
        job: task.job,
        temporaryPath: task.temporaryPath,
        abortFlag: task.abortFlag.buffer as SharedArrayBuffer,
      };
      slot.worker.postMessage(message);
    }
  }

  private async spawn(): Promise<Worker> {
    const entry = await resolveWorkerEntry();
    const worker = new Worker(entry, {
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
      ...(this.env === undefined ? {} : { env: this.env }),
    });
    worker.unref();
    worker.on("message", (message: WorkerReply) => this.onMessage(worker, message));
    worker.on("error", (error) => this.onWorkerGone(worker, error));
    worker.on("exit", (code) =>
      this.onWorkerGone(worker, new Error(`The engine worker exited with code ${code}`)),
    );
    return worker;
  }

  private onMessage(worker: Worker, message: WorkerReply): void {
    const slot = this.slots.find((candidate) => candidate.worker === worker);
    if (message.type === "child") {
      this.adoptChild(slot?.task ?? this.retiring.get(worker), message.id, message.pid);
      return;
    }
    const task = slot?.task;
    if (!slot || !task || task.id !== message.id) return;
    switch (message.type) {
      case "progress":
        task.onProgress?.(message.fraction);
        return;
      case "done":
        this.finish(slot, task);
        if (task.signal.aborted) {
          // Aborted after its last check: the caller asked for no result, so none is left behind.
          void rm(message.result.outputPath, { force: true }).catch(() => {});
          this.settle(task, task.signal.reason);
          return;
        }
        this.settle(task, undefined, message.result);
        return;
      case "error": {
        this.finish(slot, task);
        if (task.signal.aborted) {
          this.settle(task, task.signal.reason);
          return;
        }
        const { name, message: text, field, stack } = message.error;
        const error: Error =
          name === "MediaInputError"
            ? new MediaInputError(field ?? "data", text)
            : Object.assign(new Error(text), { name });
        if (stack) error.stack = stack;
        this.settle(task, error);
        return;
      }
    }
  }

  /** An ffmpeg process a worker started: its task's, or killed when no live task wants it. */
  private adoptChild(owner: Task | undefined, id: number, pid: number): void {
    if (owner?.id === id) owner.pids.add(pid);
    if (!owner || owner.id !== id || owner.settled || owner.signal.aborted || this.closed) killPid(pid);
  }

  private onWorkerGone(worker: Worker, error: Error): void {
    const index = this.slots.findIndex((candidate) => candidate.worker === worker);
    if (index < 0) return;
    const [slot] = this.slots.splice(index, 1);
    clearTimeout(slot?.idleTimer);
    const task = slot?.task;
    if (task) {
      for (const pid of task.pids) killPid(pid);
      void rm(task.temporaryPath, { force: true }).catch(() => {});
      this.settle(task, task.signal.aborted ? task.signal.reason : error);
    }
    if (!this.closed) void this.dispatch();
  }

  private finish(slot: Slot, task: Task): void {
    if (slot.task === task) slot.task = undefined;
    task.slot = undefined;
    void this.dispatch();
    this.retireWhenIdle();
  }

  /** Lets every idle worker but one exit after {@link idleWorkerMs}, if it is still idle then. */
  private retireWhenIdle(): void {
    const idle = this.slots.filter((slot) => !slot.task);
    // The first idle worker stays while no other runs a render; the others may go.
    const keep = idle.length === this.slots.length ? idle[0] : undefined;
    for (const slot of idle) {
      if (slot === keep || slot.idleTimer || this.closed) continue;
      slot.idleTimer = setTimeout(() => {
        slot.idleTimer = undefined;
        const index = this.slots.indexOf(slot);
        if (slot.task || index < 0 || this.slots.length === 1) return;
        this.slots.splice(index, 1);
        retire(slot.worker);
        void slot.worker.terminate();
      }, idleWorkerMs);
      slot.idleTimer.unref();
    }
  }

  private settle(task: Task, error: unknown, result?: RenderResult): void {
    if (task.settled) return;
    task.settled = true;
    task.removeAbortListener?.();
    if (result && error === undefined) task.resolve(result);
    else task.reject(error);
  }

  private async abort(task: Task): Promise<void> {
    if (task.settled) return;
    const queued = this.queue.indexOf(task);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.settle(task, task.signal.reason);
      return;
    }
    const slot = task.slot;
    if (!slot) return;
    Atomics.store(task.abortFlag, 0, 1);
    slot.worker.postMessage({ type: "abort", id: task.id } satisfies WorkerRequest);
    for (const pid of task.pids) killPid(pid);
    await new Promise((resolve) => setTimeout(resolve, abortGraceMs));
    if (slot.task === task) {
      // The worker did not stop in time: replace it. Until it is gone, what it reports still counts.
      this.retiring.set(slot.worker, task);
      const index = this.slots.indexOf(slot);
      if (index >= 0) this.slots.splice(index, 1);
      retire(slot.worker);
      for (const pid of task.pids) killPid(pid);
      task.slot = undefined;
      void this.dispatch();
      // Gone before its file is removed: a thread still running could write it again.
      await slot.worker.terminate().catch(() => undefined);
      this.retiring.delete(slot.worker);
      for (const pid of task.pids) killPid(pid);
    }
    // A file that cannot be removed (still held open on some systems) must not leave the render unsettled.
    await rm(task.temporaryPath, { force: true }).catch(() => {});
    this.settle(task, task.signal.reason);
  }
}
