import { expect, test } from "vitest";
import { isConnectionRefused } from "./retry";
import { parseRetryAfter } from "./transport-errors";

test("a refused connection is recognised in each runtime's form, and nothing else is", () => {
  const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
  expect(isConnectionRefused(new TypeError("fetch failed", { cause: refused }))).toBe(true);
  const several = Object.assign(new AggregateError([refused, refused]), { code: undefined });
  expect(isConnectionRefused(new TypeError("fetch failed", { cause: several }))).toBe(true);
  expect(isConnectionRefused(new TypeError("error sending request: Connection refused (os error 111)"))).toBe(
    true,
  );
  const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
  expect(isConnectionRefused(new TypeError("fetch failed", { cause: reset }))).toBe(false);
  expect(isConnectionRefused(new TypeError("fetch failed"))).toBe(false);
  expect(isConnectionRefused(undefined)).toBe(false);
});

test("Retry-After: seconds or an HTTP date", () => {
  expect(parseRetryAfter("3")).toBe(3);
  expect(parseRetryAfter(null)).toBeUndefined();
  expect(parseRetryAfter("soon")).toBeUndefined();
  const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
  expect(parseRetryAfter(inTenSeconds)).toBeGreaterThanOrEqual(9);
});
