import { describe, expect, test } from "vitest";
import { multipartBody } from "./multipart";

describe("multipartBody", () => {
  const values = {
    prompt: 'A "quoted"\nline\r\nand é ✓',
    seed: 42,
    tags: ["a", "b"],
    data: "ignored: the file part",
  };
  const files = new Map([
    [
      "data",
      {
        blob: new Blob([new Uint8Array([1, 2, 3, 0, 255])], { type: "video/mp4" }),
        filename: 'clip "1"\n.mp4',
      },
    ],
    ["end", { blob: new Blob(["plain"]), filename: "end.bin" }],
  ]);
  const parse = async (body: BodyInit, headers?: Record<string, string>) => {
    const request = new Request("http://localhost/", {
      method: "POST",
      body,
      headers,
      duplex: "half",
    } as RequestInit);
    const entries: Array<[string, string | { name: string; type: string; bytes: number[] }]> = [];
    for (const [key, value] of await request.formData()) {
      entries.push([
        key,
        typeof value === "string"
          ? value
          : { name: value.name, type: value.type, bytes: [...new Uint8Array(await value.arrayBuffer())] },
      ]);
    }
    return entries;
  };

  test("the Blob and the streamed body parse to the same fields, with text values byte for byte", async () => {
    const boundary = () => "----decart-1234";
    const blob = multipartBody(values, files, boundary);
    expect(blob.headers).toEqual({ "content-type": "multipart/form-data; boundary=----decart-1234" });
    const streamed = multipartBody(values, files, boundary, true);
    const headers = streamed.headers ?? {};
    expect(headers["content-type"]).toBe("multipart/form-data; boundary=----decart-1234");
    const expected = await parse(blob.body(), blob.headers);
    expect(expected).toEqual([
      ["prompt", 'A "quoted"\nline\r\nand é ✓'],
      ["seed", "42"],
      ["tags", '["a","b"]'],
      ["data", { name: 'clip "1"\n.mp4', type: "video/mp4", bytes: [1, 2, 3, 0, 255] }],
      [
        "end",
        { name: "end.bin", type: "application/octet-stream", bytes: [...new TextEncoder().encode("plain")] },
      ],
    ]);
    expect(await parse(streamed.body(), headers)).toEqual(expected);
    // Every attempt gets a fresh stream of exactly Content-Length bytes.
    for (let attempt = 0; attempt < 2; attempt++) {
      const bytes = await new Response(streamed.body()).arrayBuffer();
      expect(bytes.byteLength).toBe(Number(headers["content-length"]));
    }
  });

  test("a body of text parts only is the same multipart, byte for byte, for every attempt", async () => {
    const boundary = () => "----decart-1234";
    const text = { prompt: 'A "quoted"\nline\r\nand é ✓', seed: 42, tags: ["a", "b"] };
    const textOnly = multipartBody(text, new Map(), boundary);
    expect(textOnly.headers).toEqual({ "content-type": "multipart/form-data; boundary=----decart-1234" });
    const part = (name: string, value: string) =>
      `------decart-1234\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const expected = `${part("prompt", text.prompt)}${part("seed", "42")}${part("tags", '["a","b"]')}------decart-1234--\r\n`;
    for (let attempt = 0; attempt < 2; attempt++) {
      expect(await new Response(textOnly.body()).text()).toBe(expected);
    }
    expect(await parse(textOnly.body(), textOnly.headers)).toEqual([
      ["prompt", 'A "quoted"\nline\r\nand é ✓'],
      ["seed", "42"],
      ["tags", '["a","b"]'],
    ]);
  });

  test("a boundary that a text value contains is drawn again", async () => {
    const drawn = ["----decart-a", "----decart-b"];
    const body = multipartBody({ prompt: "x ----decart-a y" }, new Map(), () => drawn.shift() ?? "");
    expect(body.headers?.["content-type"]).toBe("multipart/form-data; boundary=----decart-b");
    expect(await parse(body.body(), body.headers)).toEqual([["prompt", "x ----decart-a y"]]);
  });
});
