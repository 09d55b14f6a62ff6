// @vitest-environment happy-dom

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type ApiKeyGrant,
  type DecartClient,
  InvalidAPIKeyError,
  PermissionDeniedError,
  ProcessingError,
} from "@decart/core";
import { models } from "@decart/models";
import { act, configure, render, renderHook, waitFor } from "@testing-library/react";
import { type ReactNode, StrictMode } from "react";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DecartProvider, useDecartClient } from "./provider";
import type { DecartProviderProps } from "./provider-props";
import { startTokenRoute, type TokenRoute, useTestSetup } from "./test-support/index";
import { useProcess } from "./use-process";

configure({ asyncUtilTimeout: 10_000 });

const currentSetup = useTestSetup();
const t2i = models.image("lucy-pro-t2i");
let route: TokenRoute;
let closedRoute: TokenRoute;
/** A loopback server answering every request with `answers[path]`: token routes that misbehave. */
let misbehaving: Server;
let misbehavingUrl: string;
const answers: Record<
  string,
  { status: number; type: string; body: string; headers?: Record<string, string> }
> = {
  "/not-json": { status: 200, type: "text/html", body: "<!doctype html><title>Sign in</title>" },
  "/no-key": { status: 200, type: "application/json", body: '{"token":"ek_misnamed"}' },
  "/bad-expiry": { status: 200, type: "application/json", body: '{"apiKey":"ek_1","expiresAt":{}}' },
  "/busy": {
    status: 429,
    type: "application/json",
    body: '{"detail":"Too many tokens","code":"RATE_LIMITED"}',
    headers: { "retry-after": "7" },
  },
  "/broken": { status: 500, type: "text/plain", body: "Internal Server Error" },
};

beforeAll(async () => {
  const { emulator } = currentSetup();
  route = await startTokenRoute(emulator, { allowedModels: ["lucy-pro-t2i", "lucy-pro-t2v"] });
  // Closed as createTokenHandler is by default: no authorize, no allowAnonymous.
  closedRoute = await startTokenRoute(emulator, { allowAnonymous: false });
  misbehaving = createServer((request, response) => {
    const answer = answers[request.url ?? ""] ?? { status: 404, type: "text/plain", body: "Not found" };
    request.resume();
    response.writeHead(answer.status, { "content-type": answer.type, ...answer.headers }).end(answer.body);
  });
  await new Promise<void>((resolve) => misbehaving.listen(0, "127.0.0.1", resolve));
  misbehavingUrl = `http://127.0.0.1:${(misbehaving.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await Promise.all([route?.close(), closedRoute?.close()]);
  if (!misbehaving) return;
  misbehaving.closeAllConnections();
  await new Promise((resolve) => misbehaving.close(resolve));
});

/** The keys the client under test sent, by the `X-API-KEY` of each request, in order. */
const keysSent: string[] = [];
const recordingFetch: typeof fetch = (input, init) => {
  const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
  keysSent.push(headers.get("x-api-key") ?? "");
  return fetch(input, init);
};
const polling = { initialDelay: 20, interval: 20, maxInterval: 50 };
// Options are compared key by key: a fresh object with the same values keeps the client.
const clientOptions = () => ({ baseUrl: currentSetup().emulator.url, fetch: recordingFetch, polling });

function providerWith(props: Omit<DecartProviderProps, "children">) {
  return function Wrapper({ children }: { children: ReactNode }) {
    return <DecartProvider {...(props as DecartProviderProps)}>{children}</DecartProvider>;
  };
}

async function generate(wrapper: (props: { children: ReactNode }) => ReactNode) {
  currentSetup().engine.release(true);
  const { result } = renderHook(() => useProcess(), { wrapper });
  const blob = await act(() => result.current.process({ model: t2i, prompt: "A lighthouse at dawn" }));
  return { blob, result };
}

describe("DecartProvider tokenUrl", () => {
  it("POSTs to the token route and calls the API with its ek_ key", async () => {
    keysSent.length = 0;
    const before = route.mints.length;
    const { blob, result } = await generate(providerWith({ tokenUrl: route.url, options: clientOptions() }));
    expect(result.current.status).toBe("success");
    expect(blob?.type).toBe("image/png");
    expect(route.mints.length - before).toBe(1);
    expect(keysSent).toEqual([expect.stringMatching(/^ek_/)]);
    expect(keysSent).not.toContain(currentSetup().emulator.apiKey);
    expect(route.bodies.at(-1)).toBeUndefined();
  });

  it("sends tokenRequest as the body, the latest one, without creating a new client", async () => {
    const clients = new Set<DecartClient>();
    function Probe() {
      clients.add(useDecartClient());
      return null;
    }
    const tree = (tokenRequest: { allowedModels: string[] }) => (
      <DecartProvider tokenUrl={route.url} tokenRequest={tokenRequest} options={clientOptions()}>
        <Probe />
      </DecartProvider>
    );
    const { rerender } = render(tree({ allowedModels: ["lucy-pro-t2v"] }));
    rerender(tree({ allowedModels: ["lucy-pro-t2i"] }));
    expect(clients.size).toBe(1);
    currentSetup().engine.release(true);
    await act(() => [...clients][0]!.process({ model: t2i, prompt: "A lighthouse" }));
    expect(route.bodies.at(-1)).toEqual({ allowedModels: ["lucy-pro-t2i"] });
    expect(route.mints.at(-1)?.allowedModels).toEqual(["lucy-pro-t2i"]);
  });

  it("creates a new client when tokenUrl or an option changes, not for an equal inline object", () => {
    const clients = new Set<DecartClient>();
    function Probe() {
      clients.add(useDecartClient());
      return null;
    }
    const tree = (tokenUrl: string, integration: string) => (
      <DecartProvider tokenUrl={tokenUrl} options={{ baseUrl: "http://127.0.0.1:9", integration }}>
        <Probe />
      </DecartProvider>
    );
    const { rerender } = render(tree("/api/decart-token", "app/1"));
    rerender(tree("/api/decart-token", "app/1"));
    expect(clients.size).toBe(1);
    rerender(tree("/api/other-token", "app/1"));
    expect(clients.size).toBe(2);
    rerender(tree("/api/other-token", "app/2"));
    expect(clients.size).toBe(3);
  });

  it("keeps one client for inline nested options and plugins, and calls the latest render's functions", async () => {
    const clients = new Set<DecartClient>();
    const heard: string[] = [];
    let process: ReturnType<typeof useProcess>["process"] | undefined;
    function Probe() {
      clients.add(useDecartClient());
      process = useProcess().process;
      return null;
    }
    // Every render brings new objects and new functions, as an inline prop does.
    const tree = (label: string) => (
      <DecartProvider
        options={{
          apiKey: currentSetup().emulator.apiKey,
          dangerouslyAllowBrowser: true,
          baseUrl: currentSetup().emulator.url,
          polling: { initialDelay: 20, interval: 20, maxInterval: 50 },
          retry: { limit: 1 },
          plugins: [{ name: "probe", afterResponse: () => void heard.push(label) }],
        }}
      >
        <Probe />
      </DecartProvider>
    );
    const { rerender } = render(tree("first"));
    rerender(tree("second"));
    rerender(tree("third"));
    expect(clients.size).toBe(1);
    currentSetup().engine.release(true);
    await act(() => process?.({ model: t2i, prompt: "A lighthouse" }));
    expect(heard).toEqual(["third"]);
    // A value that changes still makes a new client.
    rerender(
      <DecartProvider
        options={{
          apiKey: currentSetup().emulator.apiKey,
          dangerouslyAllowBrowser: true,
          baseUrl: currentSetup().emulator.url,
          retry: { limit: 0 },
        }}
      >
        <Probe />
      </DecartProvider>,
    );
    expect(clients.size).toBe(2);
  });

  it("surfaces a refusal of the token route as a typed error with its status and message", async () => {
    const { result } = await generate(providerWith({ tokenUrl: closedRoute.url, options: clientOptions() }));
    expect(result.current.status).toBe("error");
    const error = result.current.error!;
    expect(error).toBeInstanceOf(InvalidAPIKeyError);
    expect(error.code).toBe("API_KEY_PROVIDER_FAILED");
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(
      `DecartProvider could not get a client token: POST ${closedRoute.url} answered HTTP 401 (TOKENS_NOT_CONFIGURED): This token endpoint refuses every request`,
    );
    const cause = error.cause as InvalidAPIKeyError;
    expect(cause).toBeInstanceOf(InvalidAPIKeyError);
    expect([cause.status, cause.code]).toEqual([401, "TOKENS_NOT_CONFIGURED"]);
    expect(currentSetup().engine.renders).toHaveLength(0);
  });

  it("classes each failure of a token route by its status, and a body without a key as one", async () => {
    const failure = async (path: string) => {
      const { result } = await generate(
        providerWith({ tokenUrl: `${misbehavingUrl}${path}`, options: clientOptions() }),
      );
      expect(result.current.status).toBe("error");
      return { outer: result.current.error!, cause: result.current.error!.cause as ProcessingError };
    };
    const notJson = await failure("/not-json");
    expect(notJson.cause).toBeInstanceOf(ProcessingError);
    expect([notJson.cause.status, notJson.cause.code]).toEqual([200, "INVALID_TOKEN_RESPONSE"]);
    expect(notJson.outer.message).toMatch(
      /answered HTTP 200 with a body that is not JSON: a token route must answer JSON \{ apiKey, expiresAt \}, as createTokenHandler from @decart\/node does$/,
    );
    expect((await failure("/no-key")).outer.message).toMatch(/answered HTTP 200 with no apiKey: /);
    expect((await failure("/bad-expiry")).outer.message).toMatch(/with an expiresAt that is neither/);

    const busy = await failure("/busy");
    expect(busy.cause).toMatchObject({
      name: "RateLimitError",
      status: 429,
      retryAfter: 7,
      code: "RATE_LIMITED",
    });
    expect(busy.outer.retryable).toBe(true);
    expect(busy.outer.message).toMatch(/answered HTTP 429 \(RATE_LIMITED\): Too many tokens$/);
    const broken = await failure("/broken");
    expect([broken.cause.name, broken.cause.status, broken.outer.retryable]).toEqual([
      "ProcessingError",
      500,
      true,
    ]);
    const missing = await failure("/nowhere");
    expect(missing.outer.message).toMatch(
      /answered HTTP 404: Not found \(check that tokenUrl is the path of your createTokenHandler route\)$/,
    );
  });

  it("says a route that refuses the page's models refused them", async () => {
    const { result } = await generate(
      providerWith({
        tokenUrl: route.url,
        tokenRequest: { allowedModels: ["lucy-pro-i2v"] },
        options: clientOptions(),
      }),
    );
    const cause = result.current.error?.cause;
    expect(cause).toBeInstanceOf(PermissionDeniedError);
    expect(result.current.error?.message).toMatch(
      /HTTP 403 \(MODEL_NOT_ALLOWED\): The model lucy-pro-i2v is not allowed in tokens from this server$/,
    );
  });

  it("refuses an empty tokenUrl when it renders, saying what it takes", () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    expect(() => render(<DecartProvider tokenUrl=" " />)).toThrow(
      /tokenUrl must be the URL or path of your token route/,
    );
    expect(() => render(<DecartProvider {...({} as DecartProviderProps)} />)).toThrow(
      /needs one of `client`, `options`, `tokenUrl` or `getToken`/,
    );
  });
});

describe("DecartProvider getToken", () => {
  it("uses the latest function, keeps one client across new identities, and asks once per key", async () => {
    const clients = new Set<DecartClient>();
    const calls: string[] = [];
    const mint = async (): Promise<ApiKeyGrant> => {
      const response = await fetch(route.url, { method: "POST" });
      return (await response.json()) as { apiKey: string; expiresAt: string };
    };
    function Probe() {
      clients.add(useDecartClient());
      return null;
    }
    const tree = (name: string) => (
      <StrictMode>
        <DecartProvider
          getToken={() => {
            calls.push(name);
            return mint();
          }}
          options={clientOptions()}
        >
          <Probe />
        </DecartProvider>
      </StrictMode>
    );
    const { rerender } = render(tree("first"));
    rerender(tree("second"));
    rerender(tree("third"));
    expect(clients.size).toBe(1);
    const [client] = [...clients];
    currentSetup().engine.release(true);
    keysSent.length = 0;
    await act(() => client!.process({ model: t2i, prompt: "One" }));
    await act(() => client!.process({ model: t2i, prompt: "Two" }));
    expect(calls).toEqual(["third"]);
    expect(keysSent).toEqual([expect.stringMatching(/^ek_/), keysSent[0]]);
  });

  it("reports a function that throws as the SDK's provider failure", async () => {
    const { result } = await generate(
      providerWith({
        getToken: () => {
          throw new Error("session expired");
        },
        options: clientOptions(),
      }),
    );
    await waitFor(() => expect(result.current.status).toBe("error"));
    expect(result.current.error).toBeInstanceOf(InvalidAPIKeyError);
    expect(result.current.error?.message).toMatch(/session expired/);
  });
});
