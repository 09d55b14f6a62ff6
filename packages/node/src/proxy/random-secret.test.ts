import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { startTestServer, type TestServer } from "@decart/test-server";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { ProxyConfigurationError } from "./errors";
import { createProxyHandler, type ProxyHandler, type ProxyOptions } from "./handler";
import { toNodeHandler } from "./node";

// Its own file: the random secret and its warning belong to the process (this file's worker), once.
let upstream: TestServer;
const servers: Server[] = [];
let warn: ReturnType<typeof vi.spyOn>;
let savedSecret: string | undefined;

async function serve(handler: ProxyHandler): Promise<string> {
  const listener = toNodeHandler(handler);
  const server = createServer((request, response) => void listener(request, response));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/decart`;
}

const proxy = (options: ProxyOptions = {}) =>
  createProxyHandler({
    apiKey: "server-key",
    baseUrl: upstream.url,
    mountPath: "/api/decart",
    allowAnonymous: true,
    ...options,
  });

async function submit(proxyUrl: string): Promise<string> {
  const body = new FormData();
  body.set("prompt", "A lighthouse in fog");
  const response = await fetch(`${proxyUrl}/v1/jobs/lucy-pro-t2v`, { method: "POST", body });
  expect(response.status).toBe(200);
  return ((await response.json()) as { job_id: string }).job_id;
}

beforeAll(async () => {
  upstream = await startTestServer();
  upstream.route("POST /v1/jobs/lucy-pro-t2v", { body: { job_id: "job_abc123", status: "pending" } });
  upstream.route("GET /v1/jobs/job_abc123", { body: { job_id: "job_abc123", status: "processing" } });
  savedSecret = process.env.DECART_PROXY_SECRET;
  delete process.env.DECART_PROXY_SECRET;
});
afterAll(async () => {
  for (const server of servers) server.close();
  await upstream.close();
  if (savedSecret !== undefined) process.env.DECART_PROXY_SECRET = savedSecret;
});
beforeEach(() => {
  warn = vi.spyOn(console, "warn").mockImplementation(() => {});
});
afterEach(() => warn.mockRestore());

describe("a proxy with allowAnonymous and no secret", () => {
  it("starts with a random secret of the process, warning once that several instances need a shared one", async () => {
    const first = await serve(proxy());
    const second = await serve(proxy());
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toMatch(
      /random secret of this process.*several instances.*DECART_PROXY_SECRET/,
    );

    // Job ids are still sealed, and every handler of this process opens them.
    const jobId = await submit(first);
    expect(jobId).not.toBe("job_abc123");
    expect(jobId).toMatch(/^[\w-]+\.[\w-]+$/);
    for (const proxyUrl of [first, second]) {
      const status = await fetch(`${proxyUrl}/v1/jobs/${jobId}`);
      expect([status.status, await status.json()]).toEqual([200, { job_id: jobId, status: "processing" }]);
    }
    // Another instance (its own secret) does not know the id: what the warning is about.
    const elsewhere = await serve(proxy({ secret: "another-instance-secret-0123456789abcdef" }));
    expect((await fetch(`${elsewhere}/v1/jobs/${jobId}`)).status).toBe(404);
    expect(upstream.requestsTo("GET /v1/jobs/job_abc123")).toHaveLength(2);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it("uses DECART_PROXY_SECRET when it is set, with no warning", async () => {
    process.env.DECART_PROXY_SECRET = "an-environment-secret-0123456789abcdef";
    try {
      const fromEnvironment = await serve(proxy());
      const explicit = await serve(proxy({ secret: "an-environment-secret-0123456789abcdef" }));
      const jobId = await submit(fromEnvironment);
      expect((await fetch(`${explicit}/v1/jobs/${jobId}`)).status).toBe(200);
    } finally {
      delete process.env.DECART_PROXY_SECRET;
    }
    expect(warn).not.toHaveBeenCalled();
  });

  it("still refuses to start with authorize and no secret, or with a secret too short", () => {
    expect(() => proxy({ authorize: () => true })).toThrow(ProxyConfigurationError);
    expect(() => proxy({ allowAnonymous: false, authorize: () => ({ subject: "alice" }) })).toThrow(
      /DECART_PROXY_SECRET/,
    );
    expect(() => proxy({ secret: "short" })).toThrow(/32\+ characters/);
    expect(warn).not.toHaveBeenCalled();
  });
});
