/**
 * The client: `createDecartClient`, `process`, the job queue, cancellation, retries, typed errors and
 * plugins. Runs unchanged in browsers, Node 20+, Deno, Bun and edge runtimes.
 *
 * ```sh
 * npm install @decart/core @decart/models
 * ```
 *
 * Start with the {@link "Getting started" | getting started guide}.
 *
 * @packageDocumentation
 * @module @decart/core
 */
export * from "@decart/core";
