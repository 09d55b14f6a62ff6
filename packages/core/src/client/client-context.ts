import type { ClientContext } from "../jobs/index";

/**
 * Where a client keeps its internals for companions that are imported separately (`createBatch`), so
 * an app that never runs a batch does not bundle the batch engine.
 */
const contextKey = Symbol.for("decart.client.context");

/** Attaches the context to a client object, hidden from enumeration. */
export function attachContext<T extends object>(client: T, context: ClientContext): T {
  Object.defineProperty(client, contextKey, { value: context, enumerable: false });
  return client;
}

/** The context of a client made by `createDecartClient`. */
export function contextOf(client: object): ClientContext {
  const context = (client as { [contextKey]?: ClientContext })[contextKey];
  if (!context) throw new TypeError("Expected a client made by createDecartClient()");
  return context;
}
