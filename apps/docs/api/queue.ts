/**
 * A batch past one machine: `createDecartQueue` adds items to a BullMQ queue in Redis, and
 * `startDecartWorker` runs them on any number of machines — one rate limit for the whole fleet, crash
 * takeover without a second submission, results to a shared folder or S3. Also the `decart queue`
 * commands (`@decart/queue/cli`).
 *
 * @packageDocumentation
 * @module @decart/queue
 */
export * from "@decart/queue";
