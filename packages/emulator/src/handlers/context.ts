import type { Catalog, Settings } from "../config/index";
import type { Engine } from "../engine/index";
import type { JobService, WorkQueue } from "../jobs/index";

/** Everything a request handler works with, passed to it explicitly. */
export interface HandlerContext {
  readonly settings: Settings;
  readonly catalog: Catalog;
  readonly engine: Engine;
  readonly queue: WorkQueue;
  readonly jobs: JobService;
  /** The emulator's work folder: uploads go in subfolders of it, and it is kept out of error messages. */
  readonly workRoot: string;
  /** Sync requests in flight, aborted on close. */
  readonly syncRequests: Set<AbortController>;
}
