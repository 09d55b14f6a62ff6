import { describe, expect, test } from "vitest";
import { InvalidInputError } from "../errors/index";
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

describe("an input that cannot be read is an InvalidInputError naming its field", () => {
  const detached = () => {
    const buffer = new ArrayBuffer(8);
    structuredClone(buffer, { transfer: [buffer] });
    return buffer;
  };
  const erroring = () =>
    new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.error(new Error("disk gone"));
      },
    });
  const locked = () => {
    const stream = new ReadableStream<Uint8Array>();
    stream.getReader();
    return stream;
  };
  const ofStrings = () =>
    new ReadableStream({
      start(controller) {
        controller.enqueue("not bytes");
        controller.close();
      },
    });
  const brokenBlobLike = () => ({
    size: 3,
    type: "",
    arrayBuffer: () => Promise.reject(new Error("unreadable")),
    stream: () => {
      throw new Error("unreadable");
    },
  });
  const cases: Array<[string, () => unknown]> = [
    ["a detached ArrayBuffer", detached],
    [
      "a view of a detached ArrayBuffer",
      () => {
        const view = new Uint8Array(8);
        structuredClone(view.buffer, { transfer: [view.buffer] });
        return view;
      },
    ],
    ["a ReadableStream that errors", erroring],
    ["a locked ReadableStream", locked],
    ["a ReadableStream of strings", ofStrings],
    ["a Blob-like whose arrayBuffer() rejects", brokenBlobLike],
  ];
  for (const [label, make] of cases) {
    test(label, async () => {
      const error = await resolveFileInput("data", make(), context).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).issues.map((issue) => issue.field)).toEqual(["data"]);
      expect((error as Error).message).toMatch(/^Invalid inputs for m: data could not be read: /);
      expect((error as Error).cause).toBeDefined();
    });
  }

  test("an abort while reading rejects with the signal's reason", async () => {
    const controller = new AbortController();
    const reason = new Error("stop");
    controller.abort(reason);
    const error = await resolveFileInput("data", erroring(), { ...context, signal: controller.signal }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBe(reason);
  });
});
