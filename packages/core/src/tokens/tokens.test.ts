import { describe, expect, test } from "vitest";
import {
  DecartSDKError,
  InvalidAPIKeyError,
  InvalidInputError,
  PermissionDeniedError,
  ProcessingError,
  RateLimitError,
} from "../errors/index";
import { routeResources, useTestClient } from "../test-support/index";

const { server, clientFor } = useTestClient();

describe("client.tokens.create", () => {
  test("POSTs the options as JSON with the key and resolves the token, unknown fields kept", async () => {
    const resources = routeResources(server);
    const options = {
      metadata: { userId: "user_42", nested: { role: "viewer" } },
      expiresIn: 300,
      allowedModels: ["lucy-pro-t2i", "lucy-pro-i2v"],
      allowedOrigins: ["https://example.com", "http://localhost:5173"],
      constraints: { realtime: { maxSessionDuration: 120 } },
    };
    const token = await clientFor({ apiKey: "permanent-key" }).tokens.create(options);
    const [request] = server.requestsTo("POST /v1/client/tokens");
    expect(request?.headers["x-api-key"]).toBe("permanent-key");
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(resources.tokenRequests).toEqual([options]);
    expect(token).toMatchObject({
      apiKey: "ek_test_1",
      token: "header.payload-1.signature",
      permissions: { models: options.allowedModels, origins: options.allowedOrigins },
      constraints: options.constraints,
    });
    expect(Date.parse(token.expiresAt) - Date.now()).toBeGreaterThan(290_000);
    // Never stricter than the API: a field it adds later passes through.
    expect((token as unknown as Record<string, unknown>).rotation).toBe("a field the SDK does not know");
  });

  test("with no options sends {}, and the signal is not sent", async () => {
    const resources = routeResources(server);
    const client = clientFor();
    await client.tokens.create();
    await client.tokens.create({ signal: new AbortController().signal });
    expect(resources.tokenRequests).toEqual([{}, {}]);
    expect(Buffer.from(server.requestsTo("POST /v1/client/tokens")[0]?.body ?? []).toString()).toBe("{}");
  });

  test(".withResponse() resolves the same token with the status, headers and request id; one request", async () => {
    routeResources(server);
    const pending = clientFor().tokens.create({ expiresIn: 30 });
    const response = await pending.withResponse();
    expect(response.status).toBe(200);
    expect(response.requestId).toMatch(/^req_\d+$/);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.data.apiKey).toBe("ek_test_1");
    expect(await pending).toBe(response.data);
    expect(server.requestsTo("POST /v1/client/tokens")).toHaveLength(1);
  });

  const invalid: Array<[string, object, string, RegExp]> = [
    [
      "expiresIn 0",
      { expiresIn: 0 },
      "expiresIn",
      /expiresIn must be a whole number of seconds from 1 to 3600/,
    ],
    ["expiresIn 3601", { expiresIn: 3601 }, "expiresIn", /from 1 to 3600/],
    ["expiresIn 1.5", { expiresIn: 1.5 }, "expiresIn", /whole number/],
    ["expiresIn as text", { expiresIn: "60" }, "expiresIn", /from 1 to 3600/],
    ["expiresIn NaN", { expiresIn: Number.NaN }, "expiresIn", /from 1 to 3600/],
    [
      "21 models",
      { allowedModels: Array.from({ length: 21 }, (_, index) => `m${index}`) },
      "allowedModels",
      /allowedModels must be a list of at most 20 model names/,
    ],
    ["models not a list", { allowedModels: "lucy-pro-t2i" }, "allowedModels", /a list of at most 20/],
    ["a model not a string", { allowedModels: ["a", 2] }, "allowedModels", /a list of at most 20/],
    [
      "21 origins",
      { allowedOrigins: Array.from({ length: 21 }, (_, index) => `https://a${index}.example`) },
      "allowedOrigins",
      /allowedOrigins must be a list of at most 20 full origins such as https:\/\/example\.com/,
    ],
    ["an origin with a path", { allowedOrigins: ["https://example.com/app"] }, "allowedOrigins", /no path/],
    [
      "an origin with a trailing slash",
      { allowedOrigins: ["https://ok.example", "https://example.com/"] },
      "allowedOrigins",
      /no trailing slash/,
    ],
    ["an origin without scheme", { allowedOrigins: ["example.com"] }, "allowedOrigins", /full origins/],
    ["metadata a list", { metadata: ["a"] }, "metadata", /metadata must be an object/],
    ["constraints a number", { constraints: 5 }, "constraints", /constraints must be an object such as/],
    ["realtime a string", { constraints: { realtime: "x" } }, "constraints", /must be an object/],
    [
      "maxSessionDuration -1",
      { constraints: { realtime: { maxSessionDuration: -1 } } },
      "constraints",
      /maxSessionDuration: 120 \} \} \(seconds above 0\)/,
    ],
    ["signal not a signal", { signal: "stop" }, "signal", /AbortSignal/],
  ];
  test.each(invalid)(
    "%s is an InvalidInputError naming the field, before any request",
    async (_label, options, field, message) => {
      routeResources(server);
      const error = await clientFor()
        .tokens.create(options as never)
        .catch((caught) => caught);
      expect(error).toBeInstanceOf(InvalidInputError);
      expect(error.message).toMatch(/^Invalid inputs for client\.tokens\.create/);
      expect(error.message).toMatch(message);
      expect(error.issues.map((issue: { field: string }) => issue.field)).toEqual([field]);
      expect(server.requestsTo("POST /v1/client/tokens")).toHaveLength(0);
    },
  );

  test("the edges of every range pass: 1 and 3600 s, 20 models, 20 origins (ports, localhost), empty lists", async () => {
    const resources = routeResources(server);
    const client = clientFor();
    const twenty = (make: (index: number) => string) => Array.from({ length: 20 }, (_, index) => make(index));
    await client.tokens.create({ expiresIn: 1, allowedModels: twenty((index) => `m${index}`) });
    await client.tokens.create({
      expiresIn: 3600,
      allowedOrigins: twenty((index) => `http://localhost:${3000 + index}`),
    });
    await client.tokens.create({ allowedModels: [], allowedOrigins: [], metadata: {}, constraints: {} });
    expect(resources.tokenRequests).toHaveLength(3);
  });

  test("every issue is named at once", async () => {
    const error = await clientFor()
      .tokens.create({ expiresIn: 0, allowedOrigins: ["nope"] })
      .catch((caught) => caught);
    expect(error.issues.map((issue: { field: string }) => issue.field)).toEqual([
      "expiresIn",
      "allowedOrigins",
    ]);
    expect(error.message).toMatch(
      /^Invalid inputs for client\.tokens\.create: expiresIn must be .*; allowedOrigins must be/,
    );
  });

  test("options that are not an object say what the call takes", async () => {
    const error = await clientFor()
      .tokens.create(60 as never)
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toBe("Invalid inputs for client.tokens.create: pass an options object, or nothing");
  });

  test("null, for the options or any field, is taken as absent, as the API takes it", async () => {
    const resources = routeResources(server);
    const client = clientFor();
    await client.tokens.create(null as never);
    await client.tokens.create({
      metadata: null,
      expiresIn: null,
      allowedModels: null,
      allowedOrigins: null,
      constraints: { realtime: { maxSessionDuration: null } },
    } as never);
    await client.tokens.create({ constraints: { realtime: null } } as never);
    expect(resources.tokenRequests).toEqual([
      {},
      {
        metadata: null,
        expiresIn: null,
        allowedModels: null,
        allowedOrigins: null,
        constraints: { realtime: { maxSessionDuration: null } },
      },
      { constraints: { realtime: null } },
    ]);
  });

  test("a client token cannot mint: the 403 carries the server's reason and code, and says only a permanent key can", async () => {
    server.route("POST /v1/client/tokens", {
      status: 403,
      body: { detail: "Minting needs the permanent key", code: "PERMANENT_KEY_REQUIRED" },
    });
    const error = await clientFor({ apiKey: "ek_page" })
      .tokens.create()
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect(error.code).toBe("PERMANENT_KEY_REQUIRED");
    expect(error.message).toMatch(
      /^A client token cannot do this \(HTTP 403\): Minting needs the permanent key\. Only your permanent API key can: call client\.tokens\.create on your server with it$/,
    );
  });

  test("a wrong key is an InvalidAPIKeyError; a 429 is retried, then a RateLimitError", async () => {
    server.route("POST /v1/client/tokens", { status: 401, body: { detail: "Invalid API key" } });
    const wrong = await clientFor()
      .tokens.create()
      .catch((caught) => caught);
    expect(wrong).toBeInstanceOf(InvalidAPIKeyError);
    expect(wrong.message).toMatch(/Check the apiKey option or DECART_API_KEY/);
    server.route("POST /v1/client/tokens", {
      status: 429,
      headers: { "retry-after": "0" },
      body: { detail: "slow down" },
    });
    const limited = await clientFor()
      .tokens.create()
      .catch((caught) => caught);
    expect(limited).toBeInstanceOf(RateLimitError);
    expect(server.requestsTo("POST /v1/client/tokens")).toHaveLength(1 + 3);
  });

  test("a reply without apiKey and expiresAt is a ProcessingError", async () => {
    server.route("POST /v1/client/tokens", { body: { token: "only-a-jwt" } });
    const error = await clientFor()
      .tokens.create()
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(ProcessingError);
    expect(error.code).toBe("UNREADABLE_RESPONSE");
    expect(error.message).toBe("The reply to POST /v1/client/tokens has no apiKey or expiresAt");
  });

  test("a reply that is not JSON is an error naming the POST that got it", async () => {
    server.route("POST /v1/client/tokens", { body: "<html>maintenance</html>", type: "application/json" });
    const error = await clientFor()
      .tokens.create()
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(DecartSDKError);
    expect(error.message).toMatch(/POST \/v1\/client\/tokens/);
    expect(error.message).not.toMatch(/GET/);
  });

  test("an aborted signal rejects with its reason", async () => {
    routeResources(server);
    const controller = new AbortController();
    controller.abort();
    const error = await clientFor()
      .tokens.create({ signal: controller.signal })
      .catch((caught) => caught);
    expect(error.name).toBe("AbortError");
    expect(server.requestsTo("POST /v1/client/tokens")).toHaveLength(0);
  });

  test("onError plugins see the failure as tokens.create", async () => {
    server.route("POST /v1/client/tokens", { status: 500, body: { detail: "boom" } });
    const operations: string[] = [];
    await clientFor({ retry: 0, plugins: [{ onError: ({ operation }) => void operations.push(operation) }] })
      .tokens.create()
      .catch(() => undefined);
    expect(operations).toEqual(["tokens.create"]);
  });
});
