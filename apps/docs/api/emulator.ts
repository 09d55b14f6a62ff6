/**
 * A local, offline Process API server for development, demos and tests. It renders real PNGs and H.264
 * MP4s procedurally, deterministically for a given seed, and speaks the same wire protocol as the live API.
 * Start it in-process with `startEmulator` or from a shell with the `decart-emulator` command.
 *
 * @packageDocumentation
 * @module @decart/emulator
 */
export * from "@decart/emulator";
