import { readErrorBody } from "@decart/core/protocol";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "./emulator";
import { multipart, normalRequest, postHead, quickEngine, rawExchange } from "./test-support/index";

/** Posts `body` to `path` on a raw connection and reads the JSON error (or success) back. */
async function post(emulator: Emulator, path: string, contentType: string, body: Buffer | string) {
  const answer = await rawExchange(emulator, async (write) => {
    await write(
      postHead(emulator, path, {
        "content-type": contentType,
        "content-length": Buffer.byteLength(body),
        connection: "close",
      }),
    );
    await write(body);
  });
  return {
    status: answer.status,
    error: readErrorBody(answer.body, "application/json"),
    json: (answer.body.startsWith("{") ? JSON.parse(answer.body) : null) as {
      detail?: unknown;
      code?: string;
    } | null,
  };
}

const field = (name: string) => `Content-Disposition: form-data; name="${name}"`;
const file = (name: string, type = "image/png") =>
  `Content-Disposition: form-data; name="${name}"; filename="${name}.png"\r\nContent-Type: ${type}`;
/** A part with a filename and no type of its own, as a client uploading a text field from a file sends it. */
const namedFile = (name: string, filename: string) =>
  `Content-Disposition: form-data; name="${name}"; filename="${filename}"`;

/** FastAPI's entries for a text field sent as a file part, and for a file field sent as text. */
const notAString = (field: string) => ({
  type: "string_type",
  loc: ["body", field],
  msg: "Input should be a valid string",
});
const notAFile = (field: string, input: string) => ({
  type: "value_error",
  loc: ["body", field],
  msg: "Value error, Expected UploadFile, received: <class 'str'>",
  input,
  ctx: expect.any(Object),
});

describe("hostile clients: malformed multipart", () => {
  let emulator: Emulator;
  let png: Buffer;

  beforeAll(async () => {
    emulator = await startEmulator({ engine: quickEngine() });
    png = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#336699" } })
      .png()
      .toBuffer();
  });
  afterAll(() => emulator.close());

  it("refuses a small file field sent twice, at the second part, whichever part comes first", async () => {
    for (const parts of [
      [
        [field("prompt"), "A lake"],
        [file("data"), png],
        [file("data"), png],
      ],
      [
        [file("data"), png],
        [file("data"), png],
        [field("prompt"), "A lake"],
      ],
    ] as const) {
      const result = await post(
        emulator,
        "/v1/generate/lucy-pro-i2i",
        "multipart/form-data; boundary=b0",
        multipart("b0", parts),
      );
      expect(result.status).toBe(400);
      expect(result.error.message).toMatch(/data was sent more than once/);
    }
    expect((await normalRequest(emulator)).status).toBe(200);
  });

  it("gives fields named __proto__ and constructor the error of any unknown field", async () => {
    for (const name of ["__proto__", "constructor", "hasOwnProperty"]) {
      const body = multipart("b1", [
        [field("prompt"), "A lake"],
        [field(name), "x"],
      ]);
      const result = await post(
        emulator,
        "/v1/generate/lucy-pro-t2i",
        "multipart/form-data; boundary=b1",
        body,
      );
      expect(result.status).toBe(400);
      expect(result.error.message).toBe(`Invalid inputs for lucy-pro-t2i: unknown field ${name}`);
    }
    // …and as file-dressed parts, and as the only field.
    const dressed = multipart("b2", [
      [field("prompt"), "A lake"],
      [file("__proto__"), png],
    ]);
    const result = await post(
      emulator,
      "/v1/generate/lucy-pro-t2i",
      "multipart/form-data; boundary=b2",
      dressed,
    );
    expect(result.error.message).toBe("Invalid inputs for lucy-pro-t2i: unknown field __proto__");
    expect((await normalRequest(emulator)).status).toBe(200);
  });

  it("answers FastAPI's 422 to a text field of the model sent as a file part, in any part order", async () => {
    const cases = [
      [
        [
          [file("prompt", "text/plain"), "A lake"],
          [file("data"), png],
        ],
        ["prompt"],
      ],
      [
        [
          [file("data"), png],
          [namedFile("prompt", "prompt"), "A lake"],
        ],
        ["prompt"],
      ],
      [
        [
          [field("prompt"), "A lake"],
          [file("seed", "application/octet-stream"), "42"],
          [file("data"), png],
        ],
        ["seed"],
      ],
      [
        [
          [namedFile("prompt", "prompt.txt"), "A lake"],
          [file("data"), png],
          [namedFile("enhance_prompt", "flag"), "true"],
        ],
        ["prompt", "enhance_prompt"],
      ],
    ] as const;
    for (const [parts, names] of cases) {
      const result = await post(
        emulator,
        "/v1/generate/lucy-pro-i2i",
        "multipart/form-data; boundary=t0",
        multipart("t0", parts),
      );
      expect(result.status, names.join()).toBe(422);
      expect(result.json).toEqual({ detail: names.map(notAString), code: "INVALID_INPUT" });
      expect(result.error.message).toBe(
        names.map((name) => `${name}: Input should be a valid string`).join("; "),
      );
    }
    // A text part typed application/octet-stream but with no filename is text to FastAPI: still served.
    const untyped = await post(
      emulator,
      "/v1/generate/lucy-pro-t2i",
      "multipart/form-data; boundary=t1",
      multipart("t1", [[`${field("prompt")}\r\nContent-Type: application/octet-stream`, "A lake"]]),
    );
    expect(untyped.status).toBe(200);
    expect((await normalRequest(emulator)).status).toBe(200);
  });

  it("answers FastAPI's 422 to a file field sent as plain text, multipart or url-encoded", async () => {
    const asText = await post(
      emulator,
      "/v1/generate/lucy-pro-i2i",
      "multipart/form-data; boundary=t2",
      multipart("t2", [
        [field("prompt"), "A lake"],
        [field("data"), "https://example.com/cat.png"],
      ]),
    );
    expect(asText.status).toBe(422);
    expect(asText.json).toEqual({
      detail: [notAFile("data", "https://example.com/cat.png")],
      code: "INVALID_INPUT",
    });
    const encoded = await post(
      emulator,
      "/v1/generate/lucy-pro-i2i",
      "application/x-www-form-urlencoded",
      "prompt=A+lake&data=cat.png&reference_image=dog.png",
    );
    expect(encoded.status).toBe(422);
    expect(encoded.json).toEqual({
      detail: [notAFile("data", "cat.png"), notAFile("reference_image", "dog.png")],
      code: "INVALID_INPUT",
    });
    // Both mistakes in one body: each field named once.
    const both = await post(
      emulator,
      "/v1/generate/lucy-pro-i2i",
      "multipart/form-data; boundary=t3",
      multipart("t3", [
        [namedFile("prompt", "p.txt"), "A lake"],
        [field("data"), "cat.png"],
      ]),
    );
    expect(both.json).toEqual({
      detail: [notAString("prompt"), notAFile("data", "cat.png")],
      code: "INVALID_INPUT",
    });
    // An empty text part for a file field still means "no file".
    const empty = await post(
      emulator,
      "/v1/generate/lucy-pro-i2i",
      "multipart/form-data; boundary=t4",
      multipart("t4", [
        [field("prompt"), "A lake"],
        [field("data"), ""],
      ]),
    );
    expect(empty.status).toBe(400);
    expect(empty.error.message).toBe("Invalid inputs for lucy-pro-i2i: data is required");
    expect((await normalRequest(emulator)).status).toBe(200);
  });

  it("lets an empty file part through the form parser and refuses it at the media check, naming the field", async () => {
    const cases = [
      ["/v1/generate/lucy-pro-v2v", file("data", "video/mp4"), /the data file is empty/],
      ["/v1/jobs/lucy-pro-v2v", namedFile("data", "clip.mp4"), /the data file is empty/],
      ["/v1/generate/lucy-pro-i2i", file("data"), /the data file is empty/],
      ["/v1/jobs/lucy-pro-i2v", file("data", "application/octet-stream"), /the data file is empty/],
    ] as const;
    for (const [path, header, message] of cases) {
      const result = await post(
        emulator,
        path,
        "multipart/form-data; boundary=t5",
        multipart("t5", [
          [field("prompt"), "A lake"],
          [header, ""],
        ]),
      );
      expect(result.status, path).toBe(422);
      expect(result.error.code).toBe("INVALID_INPUT");
      expect(result.error.message).toMatch(message);
    }
    // …and an empty optional file beside a good one.
    const reference = await post(
      emulator,
      "/v1/generate/lucy-pro-i2i",
      "multipart/form-data; boundary=t6",
      multipart("t6", [
        [field("prompt"), "A lake"],
        [file("data"), png],
        [file("reference_image"), ""],
      ]),
    );
    expect(reference.status).toBe(422);
    expect(reference.error.message).toMatch(/the reference_image file is empty/);
    expect((await normalRequest(emulator)).status).toBe(200);
  });

  it("answers 400 to a missing boundary, a wrong boundary and a truncated body", async () => {
    const body = multipart("right", [[field("prompt"), "A lake"]]);
    const cases = [
      ["multipart/form-data", body],
      ["multipart/form-data; boundary=", body],
      ["multipart/form-data; boundary=wrong", body],
      ["multipart/form-data; boundary=right", body.subarray(0, body.length - 12)],
      [
        "multipart/form-data; boundary=right",
        Buffer.from('--right\r\nContent-Disposition: form-data; name="prompt"\r\n'),
      ],
    ] as const;
    for (const [contentType, payload] of cases) {
      const result = await post(emulator, "/v1/generate/lucy-pro-t2i", contentType, payload);
      expect(result.status, contentType).toBe(400);
      expect(result.error.code).toBe("INVALID_INPUT");
    }
    expect((await normalRequest(emulator)).status).toBe(200);
  });

  it("answers 400 to a part whose headers are huge, and 4xx to nested multipart, never 5xx", async () => {
    const huge = Buffer.concat([
      Buffer.from(`--h\r\n${field("prompt")}\r\nX-Pad: ${"p".repeat(200_000)}\r\n\r\nA lake\r\n--h--\r\n`),
    ]);
    const hugeResult = await post(
      emulator,
      "/v1/generate/lucy-pro-t2i",
      "multipart/form-data; boundary=h",
      huge,
    );
    expect(hugeResult.status).toBe(400);
    const inner = multipart("inner", [[file("data"), png]]).toString("latin1");
    const nested = multipart("outer", [
      [field("prompt"), "A lake"],
      [`${file("data", "multipart/mixed; boundary=inner")}`, Buffer.from(inner, "latin1")],
    ]);
    const nestedResult = await post(
      emulator,
      "/v1/generate/lucy-pro-i2i",
      "multipart/form-data; boundary=outer",
      nested,
    );
    expect(nestedResult.status).toBeGreaterThanOrEqual(400);
    expect(nestedResult.status).toBeLessThan(500);
    const tooMany = multipart(
      "m",
      Array.from({ length: 100 }, (_, index) => [field(`f${index}`), "x"] as const),
    );
    const tooManyResult = await post(
      emulator,
      "/v1/generate/lucy-pro-t2i",
      "multipart/form-data; boundary=m",
      tooMany,
    );
    expect(tooManyResult.status).toBe(400);
    expect((await normalRequest(emulator)).status).toBe(200);
  });
});
