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
  return { status: answer.status, error: readErrorBody(answer.body, "application/json") };
}

const field = (name: string) => `Content-Disposition: form-data; name="${name}"`;
const file = (name: string, type = "image/png") =>
  `Content-Disposition: form-data; name="${name}"; filename="${name}.png"\r\nContent-Type: ${type}`;

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
