/**
 * React bindings: `DecartProvider`, `useDecartClient` and `useProcess`, which follows one generation's
 * status, progress and result, revokes object URLs it created and cancels work on unmount.
 *
 * @packageDocumentation
 * @module @decart/react
 */
export * from "@decart/react";
