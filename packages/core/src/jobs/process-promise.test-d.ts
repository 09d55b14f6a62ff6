import { describe, expectTypeOf, test } from "vitest";
import type { DecartClient } from "../client/index";
import { testImageModel, testVideoModel } from "../test-support/index";
import type { ProcessPromise, ProcessResponse, ProcessTimings } from "./process-promise";

declare const client: DecartClient;

describe("the promise client.process() returns", () => {
  test("awaits to a Blob and is a Promise<Blob> wherever one is expected", async () => {
    const pending = client.process({ model: testImageModel, prompt: "x" });
    expectTypeOf(pending).toExtend<Promise<Blob>>();
    expectTypeOf(await pending).toEqualTypeOf<Blob>();
    expectTypeOf(pending.then((blob) => blob.size)).toEqualTypeOf<Promise<number>>();
    expectTypeOf(pending.catch(() => undefined)).toEqualTypeOf<Promise<Blob | undefined>>();
    expectTypeOf(pending.finally(() => {})).toEqualTypeOf<Promise<Blob>>();
    const asPromise: Promise<Blob> = pending;
    expectTypeOf(asPromise).toEqualTypeOf<Promise<Blob>>();
  });

  test(".withResponse() resolves the media with its metadata", async () => {
    const pending = client.process({ model: testVideoModel, prompt: "x" });
    expectTypeOf(pending.withResponse()).toEqualTypeOf<Promise<ProcessResponse<Blob>>>();
    const response = await pending.withResponse();
    expectTypeOf(response.data).toEqualTypeOf<Blob>();
    expectTypeOf(response.jobId).toEqualTypeOf<string | undefined>();
    expectTypeOf(response.requestId).toEqualTypeOf<string | undefined>();
    expectTypeOf(response.seed).toEqualTypeOf<number | undefined>();
    expectTypeOf(response.model).toEqualTypeOf<string>();
    expectTypeOf(response.timings).toEqualTypeOf<ProcessTimings>();
    expectTypeOf(response.timings.totalMs).toEqualTypeOf<number>();
    expectTypeOf(response.timings.submittedAt).toEqualTypeOf<number | undefined>();
  });

  test("derived promises are plain promises, without withResponse", () => {
    const pending: ProcessPromise = client.process({ model: testImageModel, prompt: "x" });
    const derived = pending.then((blob) => blob);
    expectTypeOf(derived).toEqualTypeOf<Promise<Blob>>();
    // @ts-expect-error only the promise process() returns has withResponse
    derived.withResponse();
  });
});
