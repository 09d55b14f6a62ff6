import { describe, expect, test } from "vitest";
import { DecartSDKError, InvalidInputError } from "../errors/index";
import { PNG, testImageModel, testVideoModel, useTestClient } from "../test-support/index";

const { server, clientFor, routeJob } = useTestClient();

/** What a call settled with: its error (which must be an SDK error), or the value. */
async function failure(pending: Promise<unknown>): Promise<DecartSDKError> {
  const error = await pending.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DecartSDKError);
  return error as DecartSDKError;
}

describe("request controls are checked before anything is sent", () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ["signal: {}", { signal: {} }, "signal"],
    ['onProgress: "x"', { onProgress: "x" }, "onProgress"],
    ["deadline: NaN", { deadline: Number.NaN }, "deadline"],
    ["deadline: -1", { deadline: -1 }, "deadline"],
    ['deadline: "5"', { deadline: "5" }, "deadline"],
  ];
  for (const model of [testImageModel, testVideoModel]) {
    for (const [label, controls, field] of cases) {
      test(`${model.kind}: ${label} is an InvalidInputError naming ${field}, with no request`, async () => {
        routeJob("job-controls");
        server.route("POST /v1/generate/test-t2i", { body: PNG, type: "image/png" });
        const error = await failure(clientFor().process({ model, prompt: "x", ...controls } as never));
        expect(error).toBeInstanceOf(InvalidInputError);
        expect((error as InvalidInputError).issues.map((issue) => issue.field)).toEqual([field]);
        expect(error.message).toMatch(new RegExp(`^Invalid inputs for ${model.name}: ${field} must be`));
        expect(server.requests).toHaveLength(0);
      });
    }
  }

  test("every queue call checks its signal too", async () => {
    const client = clientFor();
    const bad = { signal: {} } as never;
    for (const pending of [
      client.queue.submit({ model: testVideoModel, prompt: "x", signal: {} } as never),
      client.queue.submitAndPoll({ model: testVideoModel, prompt: "x", onProgress: 1 } as never),
      client.queue.status("job-1", bad),
      client.queue.result("job-1", bad),
      client.queue.cancel("job-1", bad),
    ]) {
      expect(await failure(pending)).toBeInstanceOf(InvalidInputError);
    }
    expect(server.requests).toHaveLength(0);
  });

  test("a signal from another realm (a look-alike with the same interface) is accepted", async () => {
    routeJob("job-realm");
    server.route("GET /v1/jobs/job-realm/content", { body: PNG, type: "video/mp4" });
    const real = new AbortController().signal;
    const foreign = {
      aborted: false,
      reason: undefined,
      throwIfAborted: () => undefined,
      addEventListener: real.addEventListener.bind(real),
      removeEventListener: real.removeEventListener.bind(real),
    };
    await expect(
      clientFor().process({ model: testVideoModel, prompt: "x", signal: foreign as never }),
    ).resolves.toBeInstanceOf(Blob);
  });
});

describe("what process() is given", () => {
  test("process(undefined) and process(null) are InvalidInputErrors", async () => {
    const client = clientFor();
    for (const options of [undefined, null, "lucy"]) {
      const error = await failure(client.process(options as never));
      expect(error).toBeInstanceOf(InvalidInputError);
      const queued = await failure(client.queue.submit(options as never));
      expect(queued).toBeInstanceOf(InvalidInputError);
    }
    expect(server.requests).toHaveLength(0);
  });

  test("a custom model without fileFields is an InvalidInputError naming it, with no request", async () => {
    const { fileFields: _fileFields, ...withoutFiles } = testVideoModel;
    const error = await failure(clientFor().process({ model: withoutFiles, prompt: "x" } as never));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toMatch(/^Invalid model definition for test-i2v: it needs fileFields/);
    const { endpoints: _endpoints, ...withoutEndpoints } = testImageModel;
    const second = await failure(clientFor().process({ model: withoutEndpoints, prompt: "x" } as never));
    expect(second.message).toMatch(/endpoints\.generate/);
    expect(server.requests).toHaveLength(0);
  });
});
