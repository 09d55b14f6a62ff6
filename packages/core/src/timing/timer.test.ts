import { afterEach, describe, expect, test, vi } from "vitest";
import { maxTimerDelay, startTimer } from "./timer";

afterEach(() => {
  vi.useRealTimers();
});

describe("startTimer", () => {
  test("waits out a delay longer than setTimeout takes, in a chain of timers", () => {
    vi.useFakeTimers();
    const fired = vi.fn();
    startTimer(fired, 2 ** 31 + 5_000);
    vi.advanceTimersByTime(maxTimerDelay);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(5_000);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  test("a delay of 30 days does not fire after a millisecond with real timers", async () => {
    const fired = vi.fn();
    const timer = startTimer(fired, 30 * 24 * 3_600_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fired).not.toHaveBeenCalled();
    timer.clear();
  });

  test("clear stops a chained timer part way through", () => {
    vi.useFakeTimers();
    const fired = vi.fn();
    const timer = startTimer(fired, 3 * maxTimerDelay);
    vi.advanceTimersByTime(maxTimerDelay + 10);
    timer.clear();
    vi.advanceTimersByTime(3 * maxTimerDelay);
    expect(fired).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  test("an infinite or NaN delay never fires and holds no timer", () => {
    vi.useFakeTimers();
    const fired = vi.fn();
    startTimer(fired, Number.POSITIVE_INFINITY);
    startTimer(fired, Number.NaN);
    expect(vi.getTimerCount()).toBe(0);
  });

  test("short delays fire as setTimeout's do", () => {
    vi.useFakeTimers();
    const fired = vi.fn();
    startTimer(fired, 10);
    vi.advanceTimersByTime(10);
    expect(fired).toHaveBeenCalledTimes(1);
  });
});
