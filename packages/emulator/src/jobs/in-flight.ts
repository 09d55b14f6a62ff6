/** Promises that must settle before the emulator's `close()` resolves. */
export class InFlight {
  private readonly pending = new Set<Promise<unknown>>();

  /** Tracks `promise` until it settles and returns it unchanged. */
  track<T>(promise: Promise<T>): Promise<T> {
    const settled = promise.then(
      () => undefined,
      () => undefined,
    );
    this.pending.add(settled);
    void settled.then(() => this.pending.delete(settled));
    return promise;
  }

  /** Resolves once everything tracked so far, and anything tracked meanwhile, has settled. */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}
