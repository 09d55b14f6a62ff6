/**
 * The emulator's jobs and its capacity: the job service (start through the queue, status, cancel, result,
 * idempotency keys), the job store with its wire form and time-to-live sweep, the work queue that admits
 * renders or answers 429, and the promises `close()` waits for. It imports `engine/`, `inputs/` and `http/`.
 */
export { InFlight } from "./in-flight";
export { type JobResult, JobService, type JobServiceOptions, type KeyReservation } from "./job-service";
export { type Job, type JobStatus, jobBody } from "./job-store";
export { WorkQueue } from "./work-queue";
