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
  it("fails an item for good when its inputs, key or the key's permissions are wrong", () => {
    expect(judge(new InvalidInputError("bad prompt"))).toEqual({ kind: "final" });
    expect(judge(new InvalidAPIKeyError("expired", { status: 401 }))).toEqual({ kind: "final" });
    expect(judge(new PermissionDeniedError("model not allowed", { status: 403 }))).toEqual({ kind: "final" });
  });

  it("retries a server failure and pauses on a rate limit", () => {
    expect(judge(new ProcessingError("busy", { status: 503 }))).toEqual({ kind: "retry" });
    expect(judge(new RateLimitError("slow down", { status: 429, retryAfter: 3 }))).toEqual({
      kind: "rate-limited",
      delayMs: 3_000,
    });
  });
});
