import { createServer } from "node:net";
import { afterEach, describe, expect, test, vi } from "vitest";
import { createDecartClient } from "../client/index";
import { InvalidAPIKeyError, ProcessingError } from "../errors/index";
import { actLikeAPage, PNG, testImageModel, useTestServer } from "../test-support/index";
import { acceptsRedirectError, uploadRedirectMode } from "./fetch-redirect";

const server = useTestServer();
afterEach(() => {
  vi.unstubAllGlobals();
});

/** A loopback port nobody listens on: connecting to it fails at once. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe("an API key in a browser", () => {
  test("is refused without dangerouslyAllowBrowser, with a message pointing to proxy", () => {
    actLikeAPage("http://app.test");
    const attempt = () => createDecartClient({ apiKey: "k", baseUrl: server.url });
    expect(attempt).toThrow(InvalidAPIKeyError);
    expect(attempt).toThrow(/proxy: "\/api\/decart"/);
    expect(attempt).toThrow(/dangerouslyAllowBrowser: true/);
    expect(() => createDecartClient({ proxy: "/api/decart" })).not.toThrow();
  });

  test("is sent when dangerouslyAllowBrowser is true", async () => {
    actLikeAPage("http://app.test");
    server.route("POST /v1/generate/test-t2i", { body: PNG, type: "image/png" });
    const client = createDecartClient({ apiKey: "k", baseUrl: server.url, dangerouslyAllowBrowser: true });
    await client.process({ model: testImageModel, prompt: "x" });
    expect(server.requests[0]?.headers["x-api-key"]).toBe("k");
  });

  test("is refused in a browser's web worker too, which has no document", () => {
    vi.stubGlobal("importScripts", () => {});
    vi.stubGlobal("navigator", { userAgent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0" });
    expect(() => createDecartClient({ apiKey: "k", baseUrl: server.url })).toThrow(
      /dangerouslyAllowBrowser: true/,
    );
    expect(() => createDecartClient({ apiKey: "ek_token", baseUrl: server.url })).not.toThrow();
    // A server runtime's navigator is not a browser's, whatever else it defines.
    vi.stubGlobal("navigator", { userAgent: "Deno/2.1.4" });
    expect(() => createDecartClient({ apiKey: "k", baseUrl: server.url })).not.toThrow();
  });

  test("outside a page the option is not needed", () => {
    expect(() => createDecartClient({ apiKey: "k" })).not.toThrow();
  });
});

describe("a network failure in a browser", () => {
  test("to another origin hints at CORS and the proxy", async () => {
    const base = `http://127.0.0.1:${await closedPort()}`;
    actLikeAPage("http://app.test");
    const client = createDecartClient({
      apiKey: "k",
      baseUrl: base,
      retry: 0,
      dangerouslyAllowBrowser: true,
    });
    const error = await client.process({ model: testImageModel, prompt: "x" }).catch((caught) => caught);
    expect(error).toBeInstanceOf(ProcessingError);
    expect(error.code).toBe("NETWORK_ERROR");
    expect(error.message).toMatch(/another origin than this page \(http:\/\/app\.test\)/);
    expect(error.message).toMatch(/CORS/);
    expect(error.message).toMatch(/proxy option/);
  });

  test("to the page's own origin has no CORS hint", async () => {
    const base = `http://127.0.0.1:${await closedPort()}`;
    actLikeAPage(base);
    const client = createDecartClient({
      apiKey: "k",
      baseUrl: base,
      retry: 0,
      dangerouslyAllowBrowser: true,
    });
    const error = await client.process({ model: testImageModel, prompt: "x" }).catch((caught) => caught);
    expect(error.code).toBe("NETWORK_ERROR");
    expect(error.message).not.toMatch(/CORS/);
  });
});

describe("DECART_API_KEY that the runtime will not read", () => {
  test("names the Deno permission to grant", () => {
    const env = Object.getOwnPropertyDescriptor(process, "env") as PropertyDescriptor;
    const refused = Object.assign(new Error('Requires env access to "DECART_API_KEY"'), {
      name: "NotCapable",
    });
    Object.defineProperty(process, "env", {
      configurable: true,
      get() {
        throw refused;
      },
    });
    let thrown: unknown;
    try {
      createDecartClient();
    } catch (error) {
      thrown = error;
    } finally {
      Object.defineProperty(process, "env", env);
    }
    expect(thrown).toBeInstanceOf(InvalidAPIKeyError);
    expect((thrown as Error).message).toMatch(/DECART_API_KEY could not be read \(NotCapable\)/);
    expect((thrown as Error).message).toMatch(/--allow-env=DECART_API_KEY/);
  });
});

describe("the redirect mode of uploads", () => {
  test('is "error" where Request takes it, as in Node', () => {
    expect(acceptsRedirectError()).toBe(true);
    expect(uploadRedirectMode()).toBe("error");
  });

  test("falls back where Request refuses it, as workerd does", () => {
    class RefusingRequest extends Request {
      constructor(input: RequestInfo | URL, init?: RequestInit) {
        if (init?.redirect === "error")
          throw new TypeError('Invalid redirect value, must be "follow" or "manual"');
        super(input, init);
      }
    }
    expect(acceptsRedirectError(RefusingRequest)).toBe(false);
  });
});
