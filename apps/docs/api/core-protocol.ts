/**
 * The Process API's wire protocol, written once: the routes and `matchRoute`, the header names, the job
 * statuses and a tolerant status reader, error bodies read (every shape a client meets) and written
 * (FastAPI's `detail`), and the multipart form codec with the lenient parsers a server uses. The client,
 * the Node proxy and the emulator all speak through it; a custom server or proxy can too.
 *
 * ```sh
 * npm install @decart/core
 * ```
 *
 * @packageDocumentation
 * @module @decart/core/protocol
 */
export * from "@decart/core/protocol";
