/**
 * Node.js helpers: `fileFromPath` (a lazily read file input), atomic `saveResult`, a server-side proxy
 * handler that keeps the API key off the browser, and the `decart` command line.
 *
 * @packageDocumentation
 * @module @decart/node
 */
export * from "@decart/node";
