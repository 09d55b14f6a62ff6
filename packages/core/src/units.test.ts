import { describe, expect, test } from "vitest";
import { openScope, sleep } from "./abort";
import { DecartSDKError, InvalidInputError, isDecartError, ProcessingError, RateLimitError } from "./errors";
import { multipartBody } from "./multipart";
import { normalizePolling, pollDelay } from "./poll";
import { isConnectionRefused } from "./retry";
import { parseRetryAfter } from "./transport";
import { buildUserAgent } from "./user-agent";

test("a refused connection is recognised in each runtime's form, and nothing else is", () => {
  const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
  expect(isConnectionRefused(new TypeError("fetch failed", { cause: refused }))).toBe(true);
  const several = Object.assign(new AggregateError([refused, refused]), { code: undefined });
  expect(isConnectionRefused(new TypeError("fetch failed", { cause: several }))).toBe(true);
  expect(isConnectionRefused(new TypeError("error sending request: Connection refused (os error 111)"))).toBe(
    true,
  );
  const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
  expect(isConnectionRefused(new TypeError("fetch failed", { cause: reset }))).toBe(false);
  expect(isConnectionRefused(new TypeError("fetch failed"))).toBe(false);
  expect(isConnectionRefused(undefined)).toBe(false);
});

test("Retry-After: seconds or an HTTP date", () => {
  expect(parseRetryAfter("3")).toBe(3);
  expect(parseRetryAfter(null)).toBeUndefined();
  expect(parseRetryAfter("soon")).toBeUndefined();
  const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
  expect(parseRetryAfter(inTenSeconds)).toBeGreaterThanOrEqual(9);
});

test("poll delays start fast, double with jitter to the cap, and honour Retry-After", () => {
  const polling = normalizePolling(undefined);
  for (let run = 0; run < 50; run++) {
    expect(pollDelay(0, polling)).toBeLessThan(25);
    expect(pollDelay(1, polling)).toBeGreaterThanOrEqual(187.5);
    expect(pollDelay(1, polling)).toBeLessThanOrEqual(250);
    expect(pollDelay(2, polling)).toBeLessThanOrEqual(500);
    expect(pollDelay(10, polling)).toBeLessThanOrEqual(2000);
    expect(pollDelay(10, polling)).toBeGreaterThanOrEqual(1500);
  }
  expect(pollDelay(0, polling, 2)).toBe(2000);
  expect(pollDelay(0, polling, 3600)).toBe(30_000);
});

test("User-Agent", () => {
  expect(buildUserAgent()).toBe("decart-ts-sdk/0.0.0-test lang/js runtime/node");
  expect(buildUserAgent(" studio/1 ")).toBe("decart-ts-sdk/0.0.0-test lang/js studio/1 runtime/node");
});

test("errors: classes, retryable, brand, issue naming", () => {
  const rate = new RateLimitError("slow", { retryAfter: 2 });
  // A rate limit is not a server failure: handling ProcessingError must not swallow it.
  expect(rate).not.toBeInstanceOf(ProcessingError);
  expect(rate).toBeInstanceOf(DecartSDKError);
  expect(rate).toMatchObject({ status: 429, retryable: true, code: "RATE_LIMITED", name: "RateLimitError" });
  expect(new ProcessingError("x", { status: 400 }).retryable).toBe(false);
  expect(isDecartError(rate)).toBe(true);
  expect(isDecartError(new Error("x"))).toBe(false);
  const error = InvalidInputError.fromIssues("m", [
    { field: "data", message: "data is required" },
    { field: "seed", message: "must be an integer" },
  ]);
  expect(error.message).toBe("Invalid inputs for m: data is required; seed must be an integer");
  expect(error.stack).toContain("InvalidInputError");
});

describe("abort helpers", () => {
  test("sleep rejects with the reason at once and leaves no timer", async () => {
    const controller = new AbortController();
    const before = process.getActiveResourcesInfo().filter((name) => name === "Timeout").length;
    const pending = sleep(10_000, controller.signal);
    const reason = new Error("stop");
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(process.getActiveResourcesInfo().filter((name) => name === "Timeout").length).toBe(before);
  });

  test("a scope aborts on deadline with a TimeoutError and on the caller's signal with its reason", async () => {
    const timed = openScope(undefined, 10);
    // Named apart from the DOMException of AbortSignal.timeout().
    await expect(sleep(1_000, timed.signal)).rejects.toMatchObject({
      name: "DecartTimeoutError",
      code: "TIMEOUT",
    });
    timed.dispose();
    const controller = new AbortController();
    const linked = openScope(controller.signal, 10_000);
    controller.abort("why");
    expect(linked.signal?.reason).toBe("why");
    linked.dispose();
  });
});

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
