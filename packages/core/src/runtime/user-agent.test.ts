import { expect, test } from "vitest";
import { buildUserAgent } from "./user-agent";

test("User-Agent", () => {
  expect(buildUserAgent()).toBe("decart-ts-sdk/0.0.0-test lang/js runtime/node");
  expect(buildUserAgent(" studio/1 ")).toBe("decart-ts-sdk/0.0.0-test lang/js studio/1 runtime/node");
});
