import { describe, expect, test } from "vitest";
import { testImageModel, useTestClient } from "../test-support/index";
import {
  InvalidAPIKeyError,
  InvalidInputError,
  ModelNotFoundError,
  PermissionDeniedError,
  ProcessingError,
  RateLimitError,
} from "./errors";

const { server, clientFor } = useTestClient();

describe("errors from real responses", () => {
  const cases: Array<[string, object, new (...args: never[]) => Error, Partial<Record<string, unknown>>]> = [
    [
      "JSON 401",
      { status: 401, body: { detail: "bad key", code: "UNAUTHORIZED" } },
      InvalidAPIKeyError,
      { code: "UNAUTHORIZED" },
    ],
    ["text 403", { status: 403, body: "Forbidden" }, PermissionDeniedError, { code: "PERMISSION_DENIED" }],
    [
      "JSON 400",
      { status: 400, body: { detail: "seed out of range", code: "INVALID_INPUT" } },
      InvalidInputError,
      { code: "INVALID_INPUT" },
    ],
    [
      "HTML 413",
      {
        status: 413,
        body: "<html><head><title>413 Request Entity Too Large</title></head><body>nginx</body></html>",
        type: "text/html",
      },
      InvalidInputError,
      {},
    ],
    [
      "JSON 422",
      {
        status: 422,
        body: { detail: [{ loc: ["body", "prompt"], msg: "Field required", type: "missing" }] },
      },
      InvalidInputError,
      { message: "Invalid inputs for test-t2i: prompt: Field required" },
    ],
    [
      "legacy nested JSON 422",
      { status: 422, body: { error: { code: "UNPROCESSABLE", message: "bad" } } },
      InvalidInputError,
      { code: "UNPROCESSABLE", message: "Invalid inputs for test-t2i: bad" },
    ],
    ["JSON 404", { status: 404, body: { detail: "no such model" } }, ModelNotFoundError, {}],
    [
      "JSON 429",
      {
        status: 429,
        headers: { "retry-after": "0" },
        body: { detail: "slow down" },
      },
      RateLimitError,
      { retryAfter: 0 },
    ],
    ["JSON 500", { status: 500, body: { detail: "boom" } }, ProcessingError, {}],
    ["empty 502", { status: 502 }, ProcessingError, {}],
    [
      "HTML 504",
      { status: 504, body: "<!doctype html><h1>Gateway Timeout</h1>", type: "text/html" },
      ProcessingError,
      {},
    ],
    [
      "truncated JSON 500",
      { status: 500, body: '{"detail": "cut sh', type: "application/json" },
      ProcessingError,
      {},
    ],
  ];
  test.each(cases)("%s", async (_label, reply, ErrorClass, fields) => {
    server.route("POST /v1/generate/test-t2i", reply);
    const error = await clientFor()
      .process({ model: testImageModel, prompt: "x" })
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error.status).toBe((reply as { status: number }).status);
    expect(error.requestId).toMatch(/^req_\d+$/);
    expect(error.cause).toBeDefined();
    for (const [key, value] of Object.entries(fields)) expect(error[key]).toBe(value);
    expect(error.message).not.toMatch(/<|undefined|\[object/);
  });

  test("a printed error shows the response that caused it, never the API key", async () => {
    const { inspect } = await import("node:util");
    server.route("POST /v1/generate/test-t2i", { status: 401, body: { detail: "bad key" } });
    const error = await clientFor({ apiKey: "key-that-must-not-print" })
      .process({ model: testImageModel, prompt: "x" })
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(InvalidAPIKeyError);
    expect(error.cause).toBeInstanceOf(Response);
    expect(error.cause.status).toBe(401);
    const printed = [inspect(error, { depth: 8, showHidden: true }), JSON.stringify(error), String(error)];
    for (const text of printed) expect(text).not.toContain("key-that-must-not-print");
  });

  test("messages carry the server's words, once", async () => {
    server.route("POST /v1/generate/test-t2i", {
      status: 400,
      body: { detail: "seed out of range", code: "INVALID_INPUT" },
    });
    const error = await clientFor()
      .process({ model: testImageModel, prompt: "x" })
      .catch((caught) => caught);
    expect(error.message).toBe("Invalid inputs for test-t2i: seed out of range");
    // A server message already in the `Invalid inputs for …` form is not prefixed again.
    server.route("POST /v1/generate/test-t2i", {
      status: 422,
      body: { detail: "Invalid inputs for test-t2i: prompt must be at most 1000 characters" },
    });
    const named = await clientFor()
      .process({ model: testImageModel, prompt: "x" })
      .catch((caught) => caught);
    expect(named.message).toBe("Invalid inputs for test-t2i: prompt must be at most 1000 characters");
    // FastAPI's list form names each field, in the message and as issues.
    server.route("POST /v1/generate/test-t2i", {
      status: 422,
      body: {
        detail: [
          { loc: ["body", "prompt"], msg: "Field required", type: "missing" },
          { loc: ["body", "seed"], msg: "Input should be a valid integer", type: "int_parsing" },
        ],
      },
    });
    const list = await clientFor()
      .process({ model: testImageModel, prompt: "x" })
      .catch((caught) => caught);
    expect(list).toBeInstanceOf(InvalidInputError);
    expect(list.message).toBe(
      "Invalid inputs for test-t2i: prompt: Field required; seed: Input should be a valid integer",
    );
    expect(list.issues).toEqual([
      { field: "prompt", message: "prompt: Field required" },
      { field: "seed", message: "seed: Input should be a valid integer" },
    ]);
    server.route("POST /v1/generate/test-t2i", {
      status: 413,
      body: "<html><head><title>413 Request Entity Too Large</title></head></html>",
      type: "text/html",
    });
    const html = await clientFor()
      .process({ model: testImageModel, prompt: "x" })
      .catch((caught) => caught);
    expect(html.message).toBe("Invalid inputs for test-t2i: 413 Request Entity Too Large");
  });

  test("a sync result cut short mid-download is a ProcessingError, not retried (the work was done)", async () => {
    server.route("POST /v1/generate/test-t2i", {
      body: new Uint8Array(64 * 1024),
      type: "image/png",
      truncate: true,
    });
    const error = await clientFor()
      .process({ model: testImageModel, prompt: "x" })
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(ProcessingError);
    expect(error.code).toBe("NETWORK_ERROR");
    expect(error.message).toMatch(/while its response was read/);
    expect(server.requestsTo("POST /v1/generate/test-t2i")).toHaveLength(1);
  });

  test("a connection reset is a retryable ProcessingError", async () => {
    server.route("GET /v1/jobs/gone", { reset: true });
    const error = await clientFor()
      .queue.status("gone")
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(ProcessingError);
    expect(error.code).toBe("NETWORK_ERROR");
    expect(error.retryable).toBe(true);
    expect(server.requestsTo("GET /v1/jobs/gone")).toHaveLength(3);
  });
});
