import { expect, test } from "vitest";
import { normalizePolling, pollDelay } from "./poll";

test("poll delays start fast, double with jitter to the cap, and honour Retry-After", () => {
  const polling = normalizePolling(undefined);
  for (let run = 0; run < 50; run++) {
    expect(pollDelay(0, polling)).toBeLessThan(25);
    expect(pollDelay(1, polling)).toBeGreaterThanOrEqual(187.5);
    expect(pollDelay(1, polling)).toBeLessThanOrEqual(250);
    expect(pollDelay(2, polling)).toBeLessThanOrEqual(500);
    expect(pollDelay(10, polling)).toBeLessThanOrEqual(2000);
    expect(pollDelay(10, polling)).toBeGreaterThanOrEqual(1500);
  }
  expect(pollDelay(0, polling, 2)).toBe(2000);
  expect(pollDelay(0, polling, 3600)).toBe(30_000);
});
