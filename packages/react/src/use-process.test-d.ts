import type { DecartClient, DecartSDKError, ProgressEvent } from "@decart/core";
import { models } from "@decart/models";
import { describe, expectTypeOf, it } from "vitest";
import type { ProcessCallbacks } from "./process-callbacks";
import type { UseProcessInput } from "./process-input";
import { DecartProvider, useDecartClient } from "./provider";
import type { DecartProviderProps } from "./provider-props";
import { type UseProcessOptions, type UseProcessResult, useProcess } from "./use-process";

declare const state: UseProcessResult;
const image = new Blob([], { type: "image/png" });

describe("useProcess types", () => {
  it("returns the documented state", () => {
    expectTypeOf(useProcess).returns.toEqualTypeOf<UseProcessResult>();
    expectTypeOf(state.status).toEqualTypeOf<"idle" | "pending" | "success" | "error">();
    expectTypeOf(state.data).toEqualTypeOf<Blob | undefined>();
    expectTypeOf(state.url).toEqualTypeOf<string | undefined>();
    expectTypeOf(state.error).toEqualTypeOf<DecartSDKError | undefined>();
    expectTypeOf(state.progress).toEqualTypeOf<ProgressEvent | undefined>();
    expectTypeOf(state.jobId).toEqualTypeOf<string | undefined>();
    expectTypeOf(state.cancel).toEqualTypeOf<() => void>();
    expectTypeOf(state.reset).toEqualTypeOf<() => void>();
  });

  it("types process per model, like client.process", () => {
    expectTypeOf(
      state.process({
        model: models.video("lucy-pro-t2v"),
        prompt: "A lake",
        seed: 42,
        orientation: "portrait",
      }),
    ).toEqualTypeOf<Promise<Blob | undefined>>();
    state.process({ model: models.video("lucy-pro-i2v"), prompt: "Wind", data: image, resolution: "480p" });
    state.process({
      model: models.video("lucy-pro-v2v"),
      prompt: "Anime",
      data: image,
      enhance_prompt: true,
      num_inference_steps: 50,
    });
    state.process({
      model: models.image("lucy-pro-t2i"),
      prompt: "City",
      onProgress: (event) => event.status,
    });

    const t2v = models.video("lucy-pro-t2v");
    const i2v = models.video("lucy-pro-i2v");
    const v2v = models.video("lucy-pro-v2v");
    const fastV2v = models.video("lucy-fast-v2v");
    const t2i = models.image("lucy-pro-t2i");
    const signal = new AbortController().signal;
    // @ts-expect-error text-to-video takes no input file
    state.process({ model: t2v, prompt: "A lake", data: image });
    // @ts-expect-error image-to-video needs its image
    state.process({ model: i2v, prompt: "Wind" });
    // @ts-expect-error lucy-pro-v2v is 720p only
    state.process({ model: v2v, prompt: "Anime", data: image, resolution: "480p" });
    // @ts-expect-error enhance_prompt is a boolean
    state.process({ model: fastV2v, prompt: "Noir", data: image, enhance_prompt: "yes" });
    // @ts-expect-error orientation is not an input of image-to-video
    state.process({ model: i2v, prompt: "Wind", data: image, orientation: "portrait" });
    // @ts-expect-error the hook owns cancellation: use cancel()
    state.process({ model: t2i, prompt: "City", signal });
  });

  it("types processAsync and the callbacks like useMutation's mutateAsync and callbacks", () => {
    const t2v = models.video("lucy-pro-t2v");
    expectTypeOf(state.processAsync({ model: t2v, prompt: "A lake" })).toEqualTypeOf<Promise<Blob>>();
    expectTypeOf(useProcess).parameter(0).toEqualTypeOf<UseProcessOptions | undefined>();
    expectTypeOf<UseProcessOptions>().toEqualTypeOf<ProcessCallbacks>();
    state.process(
      { model: t2v, prompt: "A lake" },
      {
        onSuccess: (data, input) => {
          expectTypeOf(data).toEqualTypeOf<Blob>();
          // The call's callbacks see the call's input, typed for its model.
          expectTypeOf(input).toEqualTypeOf<UseProcessInput<typeof t2v>>();
          expectTypeOf(input.orientation).toEqualTypeOf<"landscape" | "portrait" | undefined>();
        },
        onError: (error) => expectTypeOf(error).toEqualTypeOf<DecartSDKError>(),
        onSettled: (data, error) => {
          expectTypeOf(data).toEqualTypeOf<Blob | undefined>();
          expectTypeOf(error).toEqualTypeOf<DecartSDKError | undefined>();
        },
      },
    );
    useProcess({ onSuccess: (data, input) => console.log(data.size, input.model.name) });
    // @ts-expect-error onSuccess gets a Blob, not a string
    useProcess({ onSuccess: (data: string) => data });
    // @ts-expect-error unknown callback
    state.processAsync({ model: t2v, prompt: "A lake" }, { onMutate: () => {} });
  });

  it("types the provider and the client hook", () => {
    expectTypeOf(useDecartClient).returns.toEqualTypeOf<DecartClient>();
    expectTypeOf<{ client: DecartClient }>().toExtend<DecartProviderProps>();
    expectTypeOf<{ options: { proxy: string } }>().toExtend<DecartProviderProps>();
    // One or the other, not both.
    expectTypeOf<{ client: DecartClient; options: { proxy: string } }>().not.toExtend<DecartProviderProps>();
    expectTypeOf(DecartProvider).parameter(0).toEqualTypeOf<DecartProviderProps>();
  });
});
