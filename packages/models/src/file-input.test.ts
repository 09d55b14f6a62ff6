import { describe, expect, it } from "vitest";
import { isFileInput } from "./file-input";

describe("isFileInput", () => {
  it("accepts every SPEC 4 file input", () => {
    for (const value of [
      new Blob(["x"]),
      new File(["x"], "x.png"),
      new ArrayBuffer(1),
      new Uint8Array(1),
      new DataView(new ArrayBuffer(1)),
      new ReadableStream(),
      new URL("https://example.com/x.png"),
      "https://example.com/x.png",
      "HTTP://EXAMPLE.COM/X.PNG",
    ]) {
      expect(isFileInput(value)).toBe(true);
    }
  });

  it("recognises a Blob from another realm by its shape", () => {
    const foreign = {
      size: 1,
      type: "image/png",
      stream: () => new ReadableStream(),
      arrayBuffer: async () => new ArrayBuffer(1),
    };
    expect(isFileInput(foreign)).toBe(true);
  });

  it("refuses paths, other schemes and non-files", () => {
    for (const value of [
      "x.png",
      "/tmp/x.png",
      "file:///tmp/x.png",
      "data:image/png;base64,AA==",
      "https://",
      "",
      1,
      null,
      undefined,
      {},
      [],
    ]) {
      expect(isFileInput(value)).toBe(false);
    }
  });
});
