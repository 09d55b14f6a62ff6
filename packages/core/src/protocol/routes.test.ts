import { describe, expect, test } from "vitest";
import { headers } from "./headers";
import { matchRoute, routes } from "./routes";

describe("routes", () => {
  test("builds each path with its id URI-encoded", () => {
    expect(routes.generate("lucy-pro-t2i")).toBe("/v1/generate/lucy-pro-t2i");
    expect(routes.submit("lucy-pro-t2v")).toBe("/v1/jobs/lucy-pro-t2v");
    expect(routes.status("job_abc123")).toBe("/v1/jobs/job_abc123");
    expect(routes.content("a/b c")).toBe("/v1/jobs/a%2Fb%20c/content");
    expect(routes.cancel("job?1")).toBe("/v1/jobs/job%3F1/cancel");
  });

  test("matches every route it builds back to its name and decoded id", () => {
    const id = "odd/id ?#";
    expect(matchRoute("POST", routes.generate(id))).toEqual({ route: "generate", model: id });
    expect(matchRoute("POST", routes.submit(id))).toEqual({ route: "submit", model: id });
    expect(matchRoute("GET", routes.status(id))).toEqual({ route: "status", jobId: id });
    expect(matchRoute("GET", routes.content(id))).toEqual({ route: "content", jobId: id });
    expect(matchRoute("POST", routes.cancel(id))).toEqual({ route: "cancel", jobId: id });
  });

  test("compares the method in any case and ignores a query string", () => {
    expect(matchRoute("get", "/v1/jobs/job_1?x=1")).toEqual({ route: "status", jobId: "job_1" });
    expect(matchRoute("Post", "/v1/jobs/lucy-clip")).toEqual({ route: "submit", model: "lucy-clip" });
  });

  test("matches nothing else", () => {
    expect(matchRoute("DELETE", "/v1/jobs/job_1")).toBeUndefined();
    expect(matchRoute("GET", "/v1/generate/lucy-pro-t2i")).toBeUndefined();
    expect(matchRoute("POST", "/v1/jobs/job_1/content")).toBeUndefined();
    expect(matchRoute("GET", "/v1/jobs/job_1/cancel")).toBeUndefined();
    expect(matchRoute("GET", "/v1/jobs")).toBeUndefined();
    expect(matchRoute("GET", "/v1/jobs/")).toBeUndefined();
    expect(matchRoute("GET", "/v2/jobs/job_1")).toBeUndefined();
    expect(matchRoute("GET", "/v1/jobs/a/b/content")).toBeUndefined();
    expect(matchRoute("GET", "/v1/jobs/%E0%A4%A")).toBeUndefined();
  });

  test("names the headers lower-cased", () => {
    expect(headers).toEqual({
      apiKey: "x-api-key",
      requestId: "x-request-id",
      seed: "x-decart-seed",
      idempotencyKey: "idempotency-key",
      retryAfter: "retry-after",
    });
  });
});
