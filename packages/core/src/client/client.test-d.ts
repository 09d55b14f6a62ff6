import { describe, expectTypeOf, test } from "vitest";
import type { GenerationObserver } from "../generation/index";
import type { ProcessOptions, ProcessPromise, SubmitAndPollResult } from "../jobs/index";
import type { JobInfo } from "../model/index";
import { testImageModel, testVideoModel } from "../test-support/index";
import type { DecartClient } from "./client";

declare const client: DecartClient;

describe("per-model input typing", () => {
  test("known fields are accepted and typed", () => {
    expectTypeOf(
      client.process({ model: testImageModel, prompt: "x", seed: 1, resolution: "720p" }),
    ).toEqualTypeOf<ProcessPromise<Blob>>();
    client.process({
      model: testVideoModel,
      prompt: "x",
      trajectory: [{ frame: 0, x: 1, y: 2 }],
      data: new Blob([]),
    });
    client.process({
      model: testVideoModel,
      prompt: "x",
      signal: AbortSignal.timeout(1),
      onProgress: (event) => event.status,
      deadline: 5,
    });
  });

  test("a wrong field, a wrong value type or a missing required field is a type error", () => {
    // @ts-expect-error `trajectory` is not an input of the image model
    client.process({ model: testImageModel, prompt: "x", trajectory: [] });
    // @ts-expect-error resolution is an enum
    client.process({ model: testImageModel, prompt: "x", resolution: "4k" });
    // @ts-expect-error seed is a number
    client.process({ model: testImageModel, prompt: "x", seed: "42" });
    // @ts-expect-error prompt is required
    client.process({ model: testVideoModel });
    // @ts-expect-error misspelled field
    client.process({ model: testVideoModel, prompt: "x", num_inference_step: 3 });
  });

  test("ProcessOptions is the same per-model shape", () => {
    expectTypeOf<ProcessOptions<typeof testImageModel>["prompt"]>().toEqualTypeOf<string>();
    expectTypeOf<ProcessOptions<typeof testImageModel>["seed"]>().toEqualTypeOf<number | undefined>();
  });

  test("queue results", () => {
    expectTypeOf(client.queue.submit({ model: testVideoModel, prompt: "x" })).toEqualTypeOf<
      Promise<JobInfo>
    >();
    expectTypeOf(client.queue.submitAndPoll({ model: testVideoModel, prompt: "x" })).toEqualTypeOf<
      Promise<SubmitAndPollResult>
    >();
    expectTypeOf(client.queue.cancel("id")).toEqualTypeOf<Promise<JobInfo | undefined>>();
  });

  test("the generation observer takes the same inputs", () => {
    const generation = {} as GenerationObserver;
    generation.start({ model: testVideoModel, prompt: "x" });
    // @ts-expect-error unknown field
    generation.start({ model: testVideoModel, prompt: "x", colour: "red" });
  });
});
