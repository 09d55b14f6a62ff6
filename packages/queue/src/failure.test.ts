import {
  InvalidAPIKeyError,
  InvalidInputError,
  PermissionDeniedError,
  ProcessingError,
  RateLimitError,
} from "@decart/core";
import { describe, expect, it } from "vitest";
import { judge } from "./failure";

describe("judge", () => {
  it("fails an item for good when its inputs or the key's permissions are wrong", () => {
    expect(judge(new InvalidInputError("bad prompt"))).toEqual({ kind: "final" });
    expect(judge(new PermissionDeniedError("model not allowed", { status: 403 }))).toEqual({ kind: "final" });
  });

  it("stops the worker, not the item, when its key is refused", () => {
    expect(judge(new InvalidAPIKeyError("expired", { status: 401 }))).toEqual({ kind: "key-rejected" });
  });

  it("retries an input whose download failed on the way", () => {
    expect(
      judge(new InvalidInputError("data could not be downloaded (HTTP 503)", { retryable: true })),
    ).toEqual({
      kind: "retry",
    });
  });

  it("retries a server failure and pauses on a rate limit", () => {
    expect(judge(new ProcessingError("busy", { status: 503 }))).toEqual({ kind: "retry" });
    expect(judge(new RateLimitError("slow down", { status: 429, retryAfter: 3 }))).toEqual({
      kind: "rate-limited",
      delayMs: 3_000,
    });
  });

  it("judges an SDK error from another copy of @decart/core by its name, as its own", () => {
    // What an error of a second copy of the package looks like here: branded, named, not an instance.
    const foreign = Object.assign(Object.create(Error.prototype), {
      name: "RateLimitError",
      message: "slow down",
      code: "RATE_LIMITED",
      status: 429,
      retryable: true,
      retryAfter: 2,
      [Symbol.for("decart.sdk.error")]: true,
    });
    expect(foreign instanceof RateLimitError).toBe(false);
    expect(judge(foreign)).toEqual({ kind: "rate-limited", delayMs: 2_000 });
  });
});
