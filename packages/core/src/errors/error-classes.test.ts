import { expect, test } from "vitest";
import {
  DecartSDKError,
  InvalidAPIKeyError,
  InvalidInputError,
  isDecartError,
  PermissionDeniedError,
  ProcessingError,
  RateLimitError,
} from "./errors";

test("errors: classes, retryable, brand, issue naming", () => {
  const rate = new RateLimitError("slow", { retryAfter: 2 });
  // A rate limit is not a server failure: handling ProcessingError must not swallow it.
  expect(rate).not.toBeInstanceOf(ProcessingError);
  expect(rate).toBeInstanceOf(DecartSDKError);
  expect(rate).toMatchObject({ status: 429, retryable: true, code: "RATE_LIMITED", name: "RateLimitError" });
  expect(new ProcessingError("x", { status: 400 }).retryable).toBe(false);
  expect(isDecartError(rate)).toBe(true);
  expect(isDecartError(new Error("x"))).toBe(false);
  const error = InvalidInputError.fromIssues("m", [
    { field: "data", message: "data is required" },
    { field: "seed", message: "must be an integer" },
  ]);
  expect(error.message).toBe("Invalid inputs for m: data is required; seed must be an integer");
  expect(error.stack).toContain("InvalidInputError");
});

test("PermissionDeniedError: a 403, a direct subclass, told apart from a bad key", () => {
  const denied = new PermissionDeniedError("no", { status: 403 });
  expect(denied).toBeInstanceOf(DecartSDKError);
  expect(denied).not.toBeInstanceOf(InvalidAPIKeyError);
  expect(denied).toMatchObject({
    name: "PermissionDeniedError",
    code: "PERMISSION_DENIED",
    retryable: false,
  });
  expect(isDecartError(denied)).toBe(true);
  expect(new PermissionDeniedError("no", { code: "FORBIDDEN" }).code).toBe("FORBIDDEN");
});
