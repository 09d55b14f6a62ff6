import { expect, test } from "vitest";
import { InvalidInputError } from "./errors";
import { resolveFileInput } from "./file-input";

const context = { model: "m", fetch: undefined, signal: undefined };
const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2]);

test("a Blob with a type is used by reference, not copied", async () => {
  const blob = new Blob([png], { type: "image/png" });
  const file = await resolveFileInput("data", blob, context);
  expect(file.blob).toBe(blob);
  expect(file.filename).toBe("data.png");
});

test("a Blob-like object from another realm is accepted", async () => {
  const real = new Blob([png]);
  const foreign = {
    size: real.size,
    type: "",
    name: "frame.png",
    arrayBuffer: () => real.arrayBuffer(),
    stream: () => real.stream(),
    slice: () => real.slice(),
  };
  const file = await resolveFileInput("start", foreign, context);
  expect(file.blob).toBeInstanceOf(Blob);
  expect(file.blob.type).toBe("image/png");
  expect(file.filename).toBe("frame.png");
  expect(new Uint8Array(await file.blob.arrayBuffer())).toEqual(png);
});

test("a DataView or a typed array view into a larger buffer sends only its own bytes", async () => {
  const buffer = new Uint8Array([9, 9, ...png, 9]).buffer;
  const file = await resolveFileInput("data", new DataView(buffer, 2, png.length), context);
  expect(new Uint8Array(await file.blob.arrayBuffer())).toEqual(png);
  expect(file.blob.type).toBe("image/png");
});

test("anything else is an InvalidInputError naming the field", async () => {
  for (const value of ["clip.mp4", 42, { path: "x" }, "ftp://example.com/a.png"]) {
    const error = await resolveFileInput("end", value, context).catch((caught) => caught);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toMatch(/^Invalid inputs for m: end must be/);
  }
});
