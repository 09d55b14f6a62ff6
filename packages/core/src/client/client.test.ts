import { afterEach, describe, expect, test, vi } from "vitest";
import { InvalidAPIKeyError, InvalidBaseURLError } from "../errors/index";
import { PNG, testImageModel, useTestServer } from "../test-support/index";
import { createDecartClient } from "./client";

const server = useTestServer();
afterEach(() => {
  vi.unstubAllEnvs();
});

describe("createDecartClient options", () => {
  test("a missing, empty or blank key is an InvalidAPIKeyError", () => {
    vi.stubEnv("DECART_API_KEY", undefined as unknown as string);
    for (const apiKey of [undefined, "", "   "]) {
      expect(() => createDecartClient({ apiKey })).toThrow(InvalidAPIKeyError);
    }
    expect(() => createDecartClient()).toThrow(/Missing API key/);
  });

  test("a key or integration no header can carry is refused at once, naming the character, never sent", async () => {
    const pasted = createDecartClient.bind(null, { apiKey: "dk_abc\u201Cdef", baseUrl: server.url });
    expect(pasted).toThrow(InvalidAPIKeyError);
    expect(pasted).toThrow(
      'The API key cannot be sent in an HTTP header: character 7 "\u201C" (U+201C) is not allowed; copy the key again as plain text',
    );
    expect(() => createDecartClient({ apiKey: "dk_abc\ndef" })).toThrow(/character 7 \(U\+000A\)/);
    expect(() => createDecartClient({ apiKey: "k", integration: "my-app \u2014 1.0" })).toThrow(
      /^integration cannot be sent in an HTTP header: character 8 "\u2014"/,
    );
    const provided = createDecartClient({ apiKey: () => "ek_\u00A0ok\u2019", baseUrl: server.url });
    const failure = await provided.queue.status("job-1").catch((error) => error);
    expect(failure).toBeInstanceOf(InvalidAPIKeyError);
    expect(failure.message).toMatch(
      /^The key the apiKey function returned cannot be sent in an HTTP header: character 7/,
    );
    // Latin-1 is sendable: a key is refused only for what fetch itself would refuse.
    expect(() => createDecartClient({ apiKey: "dk_caf\u00E9", baseUrl: server.url })).not.toThrow();
    expect(server.requests).toHaveLength(0);
  });

  test("the key defaults to DECART_API_KEY", async () => {
    vi.stubEnv("DECART_API_KEY", "from-env");
    server.route("POST /v1/generate/test-t2i", { body: PNG, type: "image/png" });
    await createDecartClient({ baseUrl: server.url }).process({ model: testImageModel, prompt: "x" });
    expect(server.requests[0]?.headers["x-api-key"]).toBe("from-env");
  });

  test("baseUrl must be http(s); it defaults to api.decart.ai", () => {
    expect(createDecartClient({ apiKey: "k" }).baseUrl).toBe("https://api.decart.ai");
    expect(createDecartClient({ apiKey: "k", baseUrl: "http://localhost:8787/" }).baseUrl).toBe(
      "http://localhost:8787",
    );
    for (const baseUrl of ["ftp://example.com", "not a url", "//example.com", ""]) {
      expect(() => createDecartClient({ apiKey: "k", baseUrl })).toThrow(InvalidBaseURLError);
    }
  });

  test("proxy: no key is sent; proxy with apiKey explains the conflict; malformed proxy is rejected", async () => {
    server.route("POST /api/decart/v1/generate/test-t2i", { body: PNG, type: "image/png" });
    vi.stubEnv("DECART_API_KEY", "should-not-be-sent");
    const client = createDecartClient({ proxy: `${server.url}/api/decart` });
    await client.process({ model: testImageModel, prompt: "x" });
    expect(server.requests[0]?.headers["x-api-key"]).toBeUndefined();
    expect(() => createDecartClient({ proxy: "/api/decart", apiKey: "k" })).toThrow(/either apiKey or proxy/);
    expect(() => createDecartClient({ proxy: "/api/decart", apiKey: "k" })).toThrow(InvalidAPIKeyError);
    for (const proxy of ["ftp://x", "api/decart", "", "/api decart"]) {
      expect(() => createDecartClient({ proxy })).toThrow(InvalidBaseURLError);
    }
  });

  test("a relative proxy resolves against the page URL, and fails clearly without one", async () => {
    const client = createDecartClient({ proxy: "/api/decart" });
    await expect(client.process({ model: testImageModel, prompt: "x" })).rejects.toBeInstanceOf(
      InvalidBaseURLError,
    );
    server.route("POST /api/decart/v1/generate/test-t2i", { body: PNG, type: "image/png" });
    vi.stubGlobal("location", { href: `${server.url}/studio/page` });
    try {
      await client.process({ model: testImageModel, prompt: "x" });
    } finally {
      vi.unstubAllGlobals();
    }
    expect(server.requests[0]?.path).toBe("/api/decart/v1/generate/test-t2i");
  });

  test("a custom fetch is used for every request", async () => {
    const calls: string[] = [];
    server.route("POST /v1/generate/test-t2i", { body: PNG, type: "image/png" });
    const client = createDecartClient({
      apiKey: "k",
      baseUrl: server.url,
      fetch: (input, init) => {
        calls.push(input instanceof Request ? input.url : String(input));
        return fetch(input, init);
      },
    });
    await client.process({ model: testImageModel, prompt: "x" });
    expect(calls).toEqual([`${server.url}/v1/generate/test-t2i`]);
  });

  test("a custom fetch can inject faults a server will not produce: a reset mid-body", async () => {
    const client = createDecartClient({
      apiKey: "k",
      baseUrl: "http://127.0.0.1:1",
      fetch: async () =>
        new Response(
          new ReadableStream({
            start(controller) {
              controller.enqueue(new Uint8Array([1, 2, 3]));
              controller.error(new TypeError("terminated"));
            },
          }),
          { headers: { "content-type": "image/png" } },
        ),
    });
    // A sync generation is a POST: the server did the work, so the broken download is not retried.
    await expect(client.process({ model: testImageModel, prompt: "x" })).rejects.toMatchObject({
      name: "ProcessingError",
      code: "NETWORK_ERROR",
      message: expect.stringMatching(/while its response was read: terminated/),
    });
  });

  test("invalid timeouts are rejected", () => {
    for (const timeout of [0, -5, Number.NaN, 2 ** 31]) {
      expect(() => createDecartClient({ apiKey: "k", timeout })).toThrow(TypeError);
    }
    expect(() => createDecartClient({ apiKey: "k", timeout: false })).not.toThrow();
  });

  test("invalid retry limits are rejected", () => {
    expect(() => createDecartClient({ apiKey: "k", retry: -1 })).toThrow(TypeError);
    expect(() => createDecartClient({ apiKey: "k", retry: 1.5 })).toThrow(TypeError);
  });
});
