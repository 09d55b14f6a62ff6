import { beforeEach, describe, expect, it } from "vitest";
import { reusableWords, startRender } from "../scratch.js";
import { styleFrame } from "./style-kernels.js";

describe("styleFrame", () => {
  beforeEach(() => startRender());

  it("keeps its column map in its own scratch view, leaving a view taken before it untouched", () => {
    const earlier = reusableWords("earlier", 4096).fill(0xdeadbeef);
    const frame = styleFrame(640, 352, 2);
    expect(earlier.every((word) => word === 0xdeadbeef)).toBe(true);
    expect(frame.columnMap.byteOffset).not.toBe(earlier.byteOffset);
    expect(Array.from(frame.columnMap.subarray(0, 6))).toEqual([0, 0, 1, 1, 2, 2]);
    expect(frame.columnMap[639]).toBe(319);
  });

  it("keeps its column map when a later view of the render is written", () => {
    const frame = styleFrame(640, 352, 2);
    const expected = Array.from(frame.columnMap);
    reusableWords("later", 640 * 352).fill(0xffffffff);
    expect(Array.from(frame.columnMap)).toEqual(expected);
  });
});
