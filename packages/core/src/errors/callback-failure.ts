/**
 * Errors that came from the caller's own code (a plugin hook) rather than from the server or the
 * network. After a job was submitted, such a failure abandons the job, as an abort does: nobody is left
 * to collect its result.
 */
const failures = new WeakSet<object>();

/** Marks `error` as a failure of the caller's code. */
export function markCallbackFailure(error: object): void {
  failures.add(error);
}

/** True for an error marked by {@link markCallbackFailure}. */
export function isCallbackFailure(error: unknown): boolean {
  return typeof error === "object" && error !== null && failures.has(error);
}
