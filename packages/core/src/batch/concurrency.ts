/**
 * Additive-increase, multiplicative-decrease concurrency: the limit halves when the server says it is
 * overloaded (a 429) and grows back by one after a run of successes as long as the limit itself, so it
 * climbs one step per "round" of work, as TCP's congestion window does.
 *
 * Several requests that were in flight together usually hit the same overload; only the first 429 of
 * a round halves the limit. A request remembers the `epoch` it started in, and a 429 from an earlier
 * epoch than the current one is already accounted for.
 */
export class ConcurrencyLimiter {
  readonly max: number;
  readonly min: number;
  #limit: number;
  #streak = 0;
  #epoch = 0;

  constructor(max: number, min = 1) {
    this.max = max;
    this.min = Math.min(min, max);
    this.#limit = max;
  }

  /** How many requests may be in flight now. */
  get limit(): number {
    return this.#limit;
  }

  /** Changes every time the limit is halved; pass it back to {@link onRateLimit}. */
  get epoch(): number {
    return this.#epoch;
  }

  /** A request succeeded: after `limit` successes in a row the limit grows by one, up to `max`. */
  onSuccess(): void {
    if (this.#limit >= this.max) return;
    this.#streak++;
    if (this.#streak >= this.#limit) {
      this.#limit++;
      this.#streak = 0;
    }
  }

  /** A request that started in `epoch` was refused with a 429. Returns whether the limit went down. */
  onRateLimit(epoch: number): boolean {
    this.#streak = 0;
    if (epoch !== this.#epoch) return false;
    this.#epoch++;
    this.#limit = Math.max(this.min, Math.floor(this.#limit / 2));
    return true;
  }
}
