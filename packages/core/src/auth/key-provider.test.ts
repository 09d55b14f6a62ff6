import type { RecordedRequest } from "@decart/test-server";
import { afterEach, describe, expect, test, vi } from "vitest";
import { InvalidAPIKeyError, PermissionDeniedError, TimeoutError } from "../errors/index";
import { actLikeAPage, PNG, testImageModel, testVideoModel, useTestClient } from "../test-support/index";
import type { ApiKeyGrant } from "./api-key";

const { server, clientFor, routeJob } = useTestClient();

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const image = { model: testImageModel, prompt: "x" };
const keysSent = (key: string) => server.requestsTo(key).map((request) => request.headers["x-api-key"]);

/** A provider handing out `ek_1`, `ek_2`, … with the given expiry, counting its calls. */
function countingProvider(expiresAt: () => string | Date | number | undefined) {
  const provider = vi.fn(async (): Promise<ApiKeyGrant> => {
    const apiKey = `ek_${provider.mock.calls.length}`;
    const expiry = expiresAt();
    return expiry === undefined ? apiKey : { apiKey, expiresAt: expiry };
  });
  return provider;
}

/** A generate route that takes only `accepted` keys and answers the rest 401, as an expired token is. */
function acceptOnly(...accepted: string[]) {
  server.route("POST /v1/generate/test-t2i", (request: RecordedRequest) =>
    accepted.includes(String(request.headers["x-api-key"]))
      ? { body: PNG, type: "image/png" }
      : { status: 401, body: { detail: "Token expired", code: "TOKEN_EXPIRED" } },
  );
}

describe("apiKey as a function", () => {
  test("is called on the first request, not before, and its key is kept for the next ones", async () => {
    server.route("POST /v1/generate/test-t2i", { body: PNG, type: "image/png" });
    const provider = countingProvider(() => new Date(Date.now() + 60_000));
    const client = clientFor({ apiKey: provider });
    expect(provider).not.toHaveBeenCalled();
    await client.process(image);
    await client.process(image);
    expect(provider).toHaveBeenCalledTimes(1);
    expect(keysSent("POST /v1/generate/test-t2i")).toEqual(["ek_1", "ek_1"]);
  });

  test("is called once for many concurrent calls, which all wait for its key", async () => {
    server.route("POST /v1/generate/test-t2i", { body: PNG, type: "image/png" });
    let release: (grant: ApiKeyGrant) => void = () => undefined;
    const provider = vi.fn(() => new Promise<ApiKeyGrant>((resolve) => (release = resolve)));
    const client = clientFor({ apiKey: provider });
    const calls = Array.from({ length: 6 }, () => client.process(image));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(server.requests).toHaveLength(0);
    release({ apiKey: "ek_shared", expiresAt: Date.now() + 60_000 });
    await Promise.all(calls);
    expect(provider).toHaveBeenCalledTimes(1);
    expect(keysSent("POST /v1/generate/test-t2i")).toEqual(Array(6).fill("ek_shared"));
  });

  test.each([
    ["an ISO 8601 string", (at: number) => new Date(at).toISOString()],
    ["a Date", (at: number) => new Date(at)],
    ["epoch milliseconds", (at: number) => at],
  ])("is asked again shortly before expiresAt given as %s, not before", async (_label, form) => {
    server.route("POST /v1/generate/test-t2i", { body: PNG, type: "image/png" });
    // Only Date is faked: the requests still run on real timers.
    vi.useFakeTimers({ toFake: ["Date"] });
    const start = Date.now();
    const provider = countingProvider(() => form(Date.now() + 60_000));
    const client = clientFor({ apiKey: provider });
    await client.process(image);
    vi.setSystemTime(start + 45_000);
    await client.process(image);
    expect(provider).toHaveBeenCalledTimes(1);
    // 60 s tokens are replaced 10 s before they expire.
    vi.setSystemTime(start + 51_000);
    await client.process(image);
    await client.process(image);
    expect(provider).toHaveBeenCalledTimes(2);
    expect(keysSent("POST /v1/generate/test-t2i")).toEqual(["ek_1", "ek_1", "ek_2", "ek_2"]);
  });

  test("a key without expiry, or one that looks expired on arrival (clock skew), is kept until a 401", async () => {
    server.route("POST /v1/generate/test-t2i", { body: PNG, type: "image/png" });
    for (const expiresAt of [() => undefined, () => Date.now() - 5_000]) {
      const provider = countingProvider(expiresAt);
      const client = clientFor({ apiKey: provider });
      for (let call = 0; call < 3; call++) await client.process(image);
      expect(provider).toHaveBeenCalledTimes(1);
    }
  });

  test("a 401 asks for a fresh key once and repeats the request, which succeeds", async () => {
    acceptOnly("ek_2");
    const provider = countingProvider(() => Date.now() + 60_000);
    const client = clientFor({ apiKey: provider });
    const blob = await client.process(image);
    expect(blob.type).toBe("image/png");
    expect(provider).toHaveBeenCalledTimes(2);
    expect(keysSent("POST /v1/generate/test-t2i")).toEqual(["ek_1", "ek_2"]);
    // The fresh key is kept.
    await client.process(image);
    expect(provider).toHaveBeenCalledTimes(2);
  });

  test("a submission refused with 401 is sent again with the fresh key: the server accepted nothing", async () => {
    routeJob("job_after_refresh");
    const submit = "POST /v1/jobs/test-i2v";
    const accepted = { body: { job_id: "job_after_refresh", status: "pending" } };
    server.route(submit, (request: RecordedRequest) =>
      request.headers["x-api-key"] === "ek_2" ? accepted : { status: 401, body: { detail: "expired" } },
    );
    const provider = countingProvider(() => Date.now() + 60_000);
    const job = await clientFor({ apiKey: provider }).queue.submit({ model: testVideoModel, prompt: "x" });
    expect(job.job_id).toBe("job_after_refresh");
    expect(keysSent(submit)).toEqual(["ek_1", "ek_2"]);
  });

  test("concurrent calls refused with the same stale key share one refresh", async () => {
    acceptOnly("ek_2");
    const provider = countingProvider(() => Date.now() + 60_000);
    const client = clientFor({ apiKey: provider });
    await Promise.all(Array.from({ length: 4 }, () => client.process(image)));
    expect(provider).toHaveBeenCalledTimes(2);
    const sent = keysSent("POST /v1/generate/test-t2i");
    expect(sent.filter((key) => key === "ek_2")).toHaveLength(4);
  });

  test("a second 401 is an InvalidAPIKeyError: no loop", async () => {
    acceptOnly();
    const provider = countingProvider(() => Date.now() + 60_000);
    const error = await clientFor({ apiKey: provider })
      .process(image)
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(InvalidAPIKeyError);
    expect(error.status).toBe(401);
    expect(error.code).toBe("TOKEN_EXPIRED");
    expect(error.message).toMatch(
      /client token \(HTTP 401\): Token expired, again after your apiKey function gave a fresh key/,
    );
    expect(provider).toHaveBeenCalledTimes(2);
    expect(server.requestsTo("POST /v1/generate/test-t2i")).toHaveLength(2);
  });

  test("a 403 is not retried with a fresh key", async () => {
    server.route("POST /v1/generate/test-t2i", {
      status: 403,
      body: { detail: "Model not allowed for this token", code: "MODEL_NOT_ALLOWED" },
    });
    const provider = countingProvider(() => Date.now() + 60_000);
    const error = await clientFor({ apiKey: provider })
      .process(image)
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect(error.message).toMatch(/allowedModels and allowedOrigins/);
    expect(provider).toHaveBeenCalledTimes(1);
    expect(server.requestsTo("POST /v1/generate/test-t2i")).toHaveLength(1);
  });

  test("a literal key is not refreshed: its 401 is final at once", async () => {
    acceptOnly();
    const error = await clientFor({ apiKey: "ek_literal" })
      .process(image)
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(InvalidAPIKeyError);
    expect(error.message).toMatch(/mint a fresh one on your server with client\.tokens\.create/);
    expect(server.requestsTo("POST /v1/generate/test-t2i")).toHaveLength(1);
  });

  test("a provider that throws is an InvalidAPIKeyError with its error as cause; nothing is sent, and it is asked again next time", async () => {
    server.route("POST /v1/generate/test-t2i", { body: PNG, type: "image/png" });
    const failure = new TypeError("Failed to fetch /api/decart-token");
    const provider = vi
      .fn<() => Promise<ApiKeyGrant>>()
      .mockRejectedValueOnce(failure)
      .mockResolvedValue("ek_ok");
    const client = clientFor({ apiKey: provider });
    const error = await client.process(image).catch((caught) => caught);
    expect(error).toBeInstanceOf(InvalidAPIKeyError);
    expect(error.code).toBe("API_KEY_PROVIDER_FAILED");
    expect(error.cause).toBe(failure);
    expect(error.message).toMatch(/apiKey function failed.*Failed to fetch \/api\/decart-token/);
    expect(server.requests).toHaveLength(0);
    await client.process(image);
    expect(keysSent("POST /v1/generate/test-t2i")).toEqual(["ek_ok"]);
  });

  test("a provider's typed failure (its token route's status and request id) reads on the error itself", async () => {
    const refused = new PermissionDeniedError("Token route refused: 403", {
      status: 403,
      requestId: "req_route",
    });
    const error = await clientFor({ apiKey: () => Promise.reject(refused) })
      .process(image)
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(InvalidAPIKeyError);
    expect(error.cause).toBe(refused);
    expect(error.status).toBe(403);
    expect(error.requestId).toBe("req_route");
    expect(error.retryable).toBe(false);
  });

  test("a provider that throws synchronously is reported the same way", async () => {
    const error = await clientFor({
      apiKey: () => {
        throw new Error("no session");
      },
    })
      .process(image)
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(InvalidAPIKeyError);
    expect(error.code).toBe("API_KEY_PROVIDER_FAILED");
    expect(error.cause.message).toBe("no session");
  });

  test.each([
    ["nothing", undefined, /returned no key: it must return a key, or \{ apiKey, expiresAt \}/],
    ["a blank key", "  ", /returned no key/],
    ["a number", 42, /returned no key/],
    ["an object without apiKey", { key: "ek_1" }, /returned no key/],
    ["a bad expiresAt", { apiKey: "ek_1", expiresAt: "soon" }, /expiresAt soon: it must be an ISO 8601/],
  ])(
    "a provider returning %s is an InvalidAPIKeyError saying what it must return",
    async (_label, grant, message) => {
      const error = await clientFor({ apiKey: async () => grant as ApiKeyGrant })
        .process(image)
        .catch((caught) => caught);
      expect(error).toBeInstanceOf(InvalidAPIKeyError);
      expect(error.message).toMatch(message);
      expect(server.requests).toHaveLength(0);
    },
  );

  test("an abort rejects a call waiting on the provider at once; the provider's key still serves the next call", async () => {
    server.route("POST /v1/generate/test-t2i", { body: PNG, type: "image/png" });
    let release: (grant: ApiKeyGrant) => void = () => undefined;
    const provider = vi.fn(() => new Promise<ApiKeyGrant>((resolve) => (release = resolve)));
    const client = clientFor({ apiKey: provider });
    const controller = new AbortController();
    const waiting = client.process({ ...image, signal: controller.signal }).catch((caught) => caught);
    const other = client.process(image);
    await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort();
    const error = await waiting;
    expect(error.name).toBe("AbortError");
    expect(server.requests).toHaveLength(0);
    release("ek_later");
    await other;
    expect(keysSent("POST /v1/generate/test-t2i")).toEqual(["ek_later"]);
    expect(provider).toHaveBeenCalledTimes(1);
  });

  test("a call whose signal is already aborted does not ask the provider; a later failure of the provider is never unhandled", async () => {
    const provider = vi.fn(
      () =>
        new Promise<ApiKeyGrant>((_resolve, reject) =>
          setTimeout(() => reject(new Error("token route down")), 100),
        ),
    );
    const client = clientFor({ apiKey: provider });
    const error = await client.files.get("file_1", { signal: AbortSignal.abort() }).catch((caught) => caught);
    expect(error.name).toBe("AbortError");
    expect(provider).not.toHaveBeenCalled();
    // The only caller of a failing provider call stops waiting before it fails: vitest fails the run on an
    // unhandled rejection, which this would be if the shared call were left without a handler.
    const controller = new AbortController();
    const waiting = client.process({ ...image, signal: controller.signal }).catch((caught) => caught);
    await vi.waitFor(() => expect(provider).toHaveBeenCalledTimes(1), { interval: 5 });
    controller.abort();
    expect((await waiting).name).toBe("AbortError");
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(server.requests).toHaveLength(0);
  });

  test("a provider that never answers fails the call with a TimeoutError after the client's timeout; the next call asks it again", async () => {
    server.route("POST /v1/generate/test-t2i", { body: PNG, type: "image/png" });
    const provider = vi
      .fn<() => Promise<ApiKeyGrant>>()
      .mockReturnValueOnce(new Promise<ApiKeyGrant>(() => undefined))
      .mockResolvedValue("ek_after");
    const client = clientFor({ apiKey: provider, timeout: 100 });
    const error = await client.process(image).catch((caught) => caught);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toMatch(/apiKey function did not answer within 100 ms, so no request was sent/);
    expect(server.requests).toHaveLength(0);
    await client.process(image);
    expect(provider).toHaveBeenCalledTimes(2);
    expect(keysSent("POST /v1/generate/test-t2i")).toEqual(["ek_after"]);
  });

  test("with proxy it is refused like a literal key", () => {
    expect(() => clientFor({ baseUrl: undefined, proxy: "/api/decart", apiKey: async () => "ek_1" })).toThrow(
      /either apiKey or proxy/,
    );
  });
});

describe("keys in a page", () => {
  test("a client token is sent without dangerouslyAllowBrowser; a permanent key is refused, pointing to tokens and the proxy", async () => {
    actLikeAPage("http://app.test");
    server.route("POST /v1/generate/test-t2i", { body: PNG, type: "image/png" });
    await clientFor({ apiKey: "ek_page_token" }).process(image);
    expect(keysSent("POST /v1/generate/test-t2i")).toEqual(["ek_page_token"]);
    const attempt = () => clientFor({ apiKey: "dk_permanent" });
    expect(attempt).toThrow(InvalidAPIKeyError);
    expect(attempt).toThrow(/mint a client token on your server \(client\.tokens\.create\) or use the proxy/);
  });

  test("a provider's client token is sent; its permanent key is refused per request unless dangerouslyAllowBrowser", async () => {
    actLikeAPage("http://app.test");
    server.route("POST /v1/generate/test-t2i", { body: PNG, type: "image/png" });
    await clientFor({
      apiKey: async () => ({ apiKey: "ek_from_server", expiresAt: Date.now() + 60_000 }),
    }).process(image);
    const refused = await clientFor({ apiKey: async () => "dk_permanent" })
      .process(image)
      .catch((caught) => caught);
    expect(refused).toBeInstanceOf(InvalidAPIKeyError);
    expect(refused.message).toMatch(
      /mint a client token on your server \(client\.tokens\.create\) or use the proxy/,
    );
    await clientFor({ apiKey: async () => "dk_permanent", dangerouslyAllowBrowser: true }).process(image);
    expect(keysSent("POST /v1/generate/test-t2i")).toEqual(["ek_from_server", "dk_permanent"]);
  });
});
