import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../emulator";
import { quickEngine } from "../test-support/index";

const page = "http://app.example.test:5173";
let open: Emulator;
let listed: Emulator;
let closed: Emulator;
beforeAll(async () => {
  [open, listed, closed] = await Promise.all([
    startEmulator({ engine: quickEngine() }),
    startEmulator({ engine: quickEngine(), corsOrigins: [page] }),
    startEmulator({ engine: quickEngine(), corsOrigins: [] }),
  ]);
});
afterAll(() => Promise.all([open, listed, closed].map((emulator) => emulator?.close())));

const preflight = (emulator: Emulator, origin: string) =>
  fetch(`${emulator.url}/v1/generate/lucy-pro-t2i`, {
    method: "OPTIONS",
    headers: {
      origin,
      "access-control-request-method": "POST",
      "access-control-request-headers": "x-api-key, idempotency-key",
    },
  });

describe("CORS for pages calling the emulator with a client token", () => {
  it("answers a preflight without a key, allowing the page's origin, method and headers", async () => {
    const response = await preflight(open, page);
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(page);
    expect(response.headers.get("access-control-allow-methods")).toContain("POST");
    expect(response.headers.get("access-control-allow-headers")).toBe("x-api-key, idempotency-key");
    expect(response.headers.get("vary")).toBe("Origin");
  });

  it("lets the page read the request id of an answer, errors included", async () => {
    const response = await fetch(`${open.url}/v1/health`, {
      headers: { origin: page, "x-api-key": "wrong" },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("access-control-allow-origin")).toBe(page);
    expect(response.headers.get("access-control-expose-headers")).toContain("x-request-id");
  });

  it("allows only the listed origins, and none with an empty list", async () => {
    expect((await preflight(listed, page)).status).toBe(204);
    const other = await preflight(listed, "https://elsewhere.test");
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    expect(other.status).toBe(401);
    const none = await preflight(closed, page);
    expect(none.headers.get("access-control-allow-origin")).toBeNull();
    expect(none.status).toBe(401);
  });

  it("adds nothing to a request without an Origin", async () => {
    const response = await fetch(`${open.url}/v1/health`, { headers: { "x-api-key": open.apiKey } });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });
});
