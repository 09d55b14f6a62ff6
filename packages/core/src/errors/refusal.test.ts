import { describe, expect, test } from "vitest";
import { createDecartClient } from "../client/index";
import { fastOptions, testImageModel, useTestClient } from "../test-support/index";
import { InvalidAPIKeyError, PermissionDeniedError } from "./errors";

const { server, clientFor } = useTestClient();

const image = { model: testImageModel, prompt: "x" };

/** A client of a proxy mounted at /api/decart on the test server: it sends no key. */
const proxied = () => createDecartClient({ proxy: `${server.url}/api/decart`, ...fastOptions });
const viaProxy = "POST /api/decart/v1/generate/test-t2i";

describe("a 401 or 403 says who refused and what to do", () => {
  test("the proxy's own 403 (FORBIDDEN): its authorize, never a key the page does not have", async () => {
    // The body createProxyHandler (@decart/node) answers a refusal with.
    server.route(viaProxy, {
      status: 403,
      body: { detail: "Not allowed to use the Decart proxy", code: "FORBIDDEN" },
    });
    const error = await proxied()
      .process(image)
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect(error).toMatchObject({ status: 403, code: "FORBIDDEN", name: "PermissionDeniedError" });
    expect(error.message).toBe(
      "Your proxy refused the request (HTTP 403): Not allowed to use the Decart proxy. To allow it, its authorize decides who may call it: sign in, or check authorize on your server",
    );
    expect(error.message).not.toMatch(/DECART_API_KEY|apiKey option/);
  });

  test("the proxy's 403 for a model it does not forward names the models option", async () => {
    server.route(viaProxy, {
      status: 403,
      body: { detail: "The model test-t2i is not allowed through this proxy", code: "MODEL_NOT_ALLOWED" },
    });
    const error = await proxied()
      .process(image)
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect(error.code).toBe("MODEL_NOT_ALLOWED");
    expect(error.message).toMatch(
      /^Your proxy refused the request \(HTTP 403\): The model test-t2i is not allowed/,
    );
    expect(error.message).toMatch(/add the model to its models option/);
  });

  test("the proxy's 403 for a server that set no authorize says how to set it up", async () => {
    server.route(viaProxy, {
      status: 403,
      body: { detail: "This Decart proxy refuses every request", code: "PROXY_NOT_CONFIGURED" },
    });
    const error = await proxied()
      .process(image)
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect(error.message).toMatch(
      /^Your proxy refused the request \(HTTP 403\): This Decart proxy refuses every request\. To allow it, pass authorize to createProxyHandler on your server \(or allowAnonymous: true for local development\)$/,
    );
  });

  test.each([
    ["an authorize's own 401", { status: 401, body: "Sign in first" }],
    [
      "the API's 401 for the proxy's key, passed through",
      { status: 401, body: { detail: "Invalid API key" } },
    ],
    [
      "an emulator's 401 passed through",
      { status: 401, body: { detail: "Wrong key", code: "INVALID_API_KEY" } },
    ],
  ])("through a proxy, %s says the page sends no key", async (_label, reply) => {
    server.route(viaProxy, reply);
    const error = await proxied()
      .process(image)
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(InvalidAPIKeyError);
    expect(error.message).toMatch(/^The request through your proxy was refused \(HTTP 401\): /);
    expect(error.message).toMatch(/This page sends no API key/);
    expect(error.message).not.toMatch(/DECART_API_KEY|apiKey option/);
  });

  test("a permanent key's 403 is a PermissionDeniedError: accepted, not allowed", async () => {
    server.route("POST /v1/generate/test-t2i", {
      status: 403,
      body: { detail: "Plan does not include this model" },
    });
    const error = await clientFor()
      .process(image)
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect(error.code).toBe("PERMISSION_DENIED");
    expect(error.message).toBe(
      "The server refused the request (HTTP 403): Plan does not include this model. The API key was accepted but is not allowed to do this",
    );
  });

  test("a client token's 403 points to its scope; its 401 to minting a fresh one", async () => {
    server.route("POST /v1/generate/test-t2i", {
      status: 403,
      body: { detail: "Model not allowed for this token" },
    });
    const scoped = await clientFor({ apiKey: "ek_scoped" })
      .process(image)
      .catch((caught) => caught);
    expect(scoped).toBeInstanceOf(PermissionDeniedError);
    expect(scoped.message).toMatch(
      /^The client token does not allow this request \(HTTP 403\): Model not allowed/,
    );
    expect(scoped.message).toMatch(/allowedModels and allowedOrigins .* in client\.tokens\.create/);
    server.route("POST /v1/generate/test-t2i", { status: 401, body: { detail: "Token expired" } });
    const expired = await clientFor({ apiKey: "ek_old" })
      .process(image)
      .catch((caught) => caught);
    expect(expired).toBeInstanceOf(InvalidAPIKeyError);
    expect(expired.message).toMatch(
      /^The server rejected the client token \(HTTP 401\): Token expired\. Client tokens expire/,
    );
    expect(expired.message).not.toMatch(/DECART_API_KEY/);
  });

  test("a permanent key's 401 still says to check the key", async () => {
    server.route("POST /v1/generate/test-t2i", { status: 401, body: { detail: "bad key" } });
    const error = await clientFor()
      .process(image)
      .catch((caught) => caught);
    expect(error.message).toBe(
      "The server rejected the API key (HTTP 401): bad key. Check the apiKey option or DECART_API_KEY",
    );
  });
});
