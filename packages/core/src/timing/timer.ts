/** The longest delay `setTimeout` takes: anything above 2³¹−1 ms fires after 1 ms instead (and warns in Node). */
export const maxTimerDelay = 2_147_483_647;

/** A pending timer from {@link startTimer}; `clear()` stops it (calling it again, or late, is harmless). */
export interface Timer {
  clear(): void;
}

/**
 * Calls `callback` once after `milliseconds`, for any delay: one beyond what `setTimeout` takes is
 * waited in a chain of shorter timers, so a 30-day deadline lasts 30 days rather than firing at once.
 * A delay that is not a finite number (`Infinity`, `NaN`) never fires; zero or less fires on the next turn.
 */
export function startTimer(callback: () => void, milliseconds: number): Timer {
  if (!Number.isFinite(milliseconds)) return { clear() {} };
  let remaining = Math.max(0, milliseconds);
  let handle: ReturnType<typeof setTimeout>;
  const schedule = () => {
    const step = Math.min(remaining, maxTimerDelay);
    remaining -= step;
    handle = setTimeout(remaining > 0 ? schedule : callback, step);
  };
  schedule();
  return {
    clear() {
      clearTimeout(handle);
    },
  };
}

/** Milliseconds from a monotonic clock. */
export function now(): number {
  return globalThis.performance?.now() ?? Date.now();
}
