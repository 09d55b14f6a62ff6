import { describe, expect, test } from "vitest";
import { errorBody, readErrorBody } from "./errors-body";

const json = "application/json";

describe("readErrorBody", () => {
  test("reads FastAPI's detail string, with the extension code beside it", () => {
    expect(readErrorBody('{"detail":"Prompt is too long"}', json)).toEqual({ message: "Prompt is too long" });
    expect(readErrorBody('{"detail":"Slow down","code":"RATE_LIMITED"}', json)).toEqual({
      message: "Slow down",
      code: "RATE_LIMITED",
    });
  });

  test("turns FastAPI's list form into issues naming each field, and one message", () => {
    const body = JSON.stringify({
      detail: [
        { loc: ["body", "prompt"], msg: "Field required", type: "missing" },
        { loc: ["body", "trajectory", 0, "x"], msg: "Input should be a valid number", type: "float_parsing" },
        { loc: ["query", "seed"], msg: "seed must be an integer", type: "int_parsing" },
        { loc: ["body"], msg: "Expected a form", type: "model_attributes_type" },
      ],
    });
    expect(readErrorBody(body, json)).toEqual({
      message:
        "prompt: Field required; trajectory.0.x: Input should be a valid number; seed must be an integer; Expected a form",
      issues: [
        { field: "prompt", message: "Field required" },
        { field: "trajectory.0.x", message: "Input should be a valid number" },
        { field: "seed", message: "seed must be an integer" },
        { field: "", message: "Expected a form" },
      ],
    });
  });

  test("reads the older nested error, a message field, and a detail object", () => {
    expect(readErrorBody('{"error":{"message":"Bad prompt","code":"INVALID_INPUT"}}', json)).toEqual({
      message: "Bad prompt",
      code: "INVALID_INPUT",
    });
    expect(readErrorBody('{"message":"Nope"}', json)).toEqual({ message: "Nope" });
    expect(readErrorBody('{"error":"Nope"}', json)).toEqual({ message: "Nope" });
    expect(readErrorBody('{"detail":{"message":"Nested","code":"X"}}', json)).toEqual({
      message: "Nested",
      code: "X",
    });
  });

  test("shows the message once when several fields carry it", () => {
    expect(readErrorBody('{"detail":"Same","message":"Same","error":{"message":"Same"}}', json)).toEqual({
      message: "Same",
    });
  });

  test("reads JSON without a JSON content type, and a JSON object of no known shape as text", () => {
    expect(readErrorBody('{"detail":"Untyped"}', "text/plain")).toEqual({ message: "Untyped" });
    expect(readErrorBody('{"unknown":true}', json)).toEqual({ message: '{"unknown":true}' });
  });

  test("summarises text, HTML and truncated JSON; an empty body says nothing", () => {
    expect(readErrorBody("  upstream\n  timed out ", "text/plain")).toEqual({
      message: "upstream timed out",
    });
    expect(
      readErrorBody("<html><head><title>502 Bad Gateway</title></head><body>x</body></html>", "text/html"),
    ).toEqual({
      message: "502 Bad Gateway",
    });
    expect(
      readErrorBody("<html><body><h1>Service</h1> <p>down</p><script>x()</script></body></html>"),
    ).toEqual({
      message: "Service down",
    });
    expect(readErrorBody('{"detail":"cut', json)).toEqual({ message: '{"detail":"cut' });
    expect(readErrorBody("", json)).toEqual({});
    expect(readErrorBody("   ", null)).toEqual({});
    expect(readErrorBody("x".repeat(1000)).message).toHaveLength(300);
  });
});

describe("errorBody", () => {
  test("answers FastAPI's detail, with code only when extensions are on", () => {
    expect(errorBody({ message: "Job not found", code: "NOT_FOUND" })).toEqual({
      detail: "Job not found",
      code: "NOT_FOUND",
    });
    expect(errorBody({ message: "Job not found", code: "NOT_FOUND" }, { extensions: false })).toEqual({
      detail: "Job not found",
    });
  });

  test("answers issues in FastAPI's list form, which readErrorBody reads back", () => {
    const body = errorBody(
      {
        message: "Invalid inputs",
        code: "INVALID_INPUT",
        issues: [
          { field: "prompt", message: "Field required" },
          { field: "trajectory.1.frame", message: "must be at least 0" },
        ],
      },
      { extensions: false },
    );
    expect(body).toEqual({
      detail: [
        { loc: ["body", "prompt"], msg: "Field required", type: "value_error" },
        { loc: ["body", "trajectory", 1, "frame"], msg: "must be at least 0", type: "value_error" },
      ],
    });
    expect(readErrorBody(JSON.stringify(body), json).issues).toEqual([
      { field: "prompt", message: "Field required" },
      { field: "trajectory.1.frame", message: "must be at least 0" },
    ]);
  });
});
