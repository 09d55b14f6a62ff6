// @vitest-environment node
import { version as testingLibraryReact } from "@testing-library/react/package.json";
import { version as react } from "react";
import { version as reactDom } from "react-dom";
import { describe, expect, it } from "vitest";

// Each project of the suite must really run on its React: the one the peer range names.
describe("the React this suite runs on", () => {
  it("is the project's version, for react and react-dom alike", () => {
    const expected = process.env.EXPECTED_REACT ?? "";
    expect(expected).not.toBe("");
    expect(react.startsWith(expected)).toBe(true);
    expect(reactDom).toBe(react);
    expect(testingLibraryReact).toMatch(/^16\./);
  });
});
