// @vitest-environment happy-dom
import { type DecartSDKError, InvalidInputError, isDecartError } from "@decart/core";
import { models } from "@decart/models";
import { act, configure, render, renderHook, screen, waitFor } from "@testing-library/react";
import { type ReactNode, StrictMode, useEffect, useState } from "react";
import { describe, expect, it } from "vitest";
import type { ProcessCallbacks } from "./process-callbacks";
import { DecartProvider } from "./provider";
import { useTestSetup } from "./test-support/index";
import { type UseProcessOptions, useProcess } from "./use-process";

configure({ asyncUtilTimeout: 10_000 });

const currentSetup = useTestSetup();

const t2v = models.video("lucy-pro-t2v");
const t2i = models.image("lucy-pro-t2i");
const i2v = models.video("lucy-pro-i2v");

function wrapper({ children }: { children: ReactNode }) {
  return <DecartProvider client={currentSetup().client}>{children}</DecartProvider>;
}

/** Callbacks that write what they were called with into `calls`, under `label`. */
function recording(label: string, calls: string[]): ProcessCallbacks {
  return {
    onSuccess: (data, input) => calls.push(`${label}.onSuccess ${data.type} ${input.model.name}`),
    onError: (error, input) => calls.push(`${label}.onError ${error.name} ${input.model.name}`),
    onSettled: (data, error) => calls.push(`${label}.onSettled ${data?.type ?? "-"} ${error?.name ?? "-"}`),
  };
}

/** Settles a promise into a value to assert on: the result, or `{ rejected }`. */
const settle = <T,>(promise: Promise<T>) =>
  promise.then(
    (value) => ({ value }),
    (rejected: unknown) => ({ rejected }),
  );

describe("processAsync", () => {
  it("resolves the result after the hook's callbacks and then the call's", async () => {
    currentSetup().engine.release(true);
    const calls: string[] = [];
    const { result } = renderHook(() => useProcess(recording("hook", calls)), { wrapper });
    const blob = await act(() =>
      result.current
        .processAsync({ model: t2i, prompt: "callbacks" }, recording("call", calls))
        .then((data) => {
          calls.push("resolved");
          return data;
        }),
    );
    expect(blob.type).toBe("image/png");
    expect(result.current.status).toBe("success");
    expect(result.current.data).toBe(blob);
    expect(calls).toEqual([
      "hook.onSuccess image/png lucy-pro-t2i",
      "hook.onSettled image/png -",
      "call.onSuccess image/png lucy-pro-t2i",
      "call.onSettled image/png -",
      "resolved",
    ]);
  });

  it("rejects with the typed SDK error on failure, where process resolves undefined", async () => {
    const calls: string[] = [];
    const { result } = renderHook(() => useProcess(recording("hook", calls)), { wrapper });
    const input = { model: i2v, prompt: "no image" } as never;
    const outcome = await act(() => settle(result.current.processAsync(input, recording("call", calls))));
    expect("rejected" in outcome && outcome.rejected).toBeInstanceOf(InvalidInputError);
    expect(result.current.status).toBe("error");
    expect(result.current.error).toBe("rejected" in outcome ? outcome.rejected : undefined);
    expect(calls).toEqual([
      "hook.onError InvalidInputError lucy-pro-i2v",
      "hook.onSettled - InvalidInputError",
      "call.onError InvalidInputError lucy-pro-i2v",
      "call.onSettled - InvalidInputError",
    ]);

    calls.length = 0;
    expect(await act(() => result.current.process(input, recording("call", calls)))).toBeUndefined();
    expect(calls).toHaveLength(4);
    expect(currentSetup().sent).toEqual([]);
  });

  it("rejects with an AbortError, not an SDK error, on cancel(), and calls no callback", async () => {
    const calls: string[] = [];
    const { result } = renderHook(() => useProcess(recording("hook", calls)), { wrapper });
    let pending!: Promise<{ value: Blob } | { rejected: unknown }>;
    act(() => {
      pending = settle(
        result.current.processAsync({ model: t2v, prompt: "to cancel" }, recording("call", calls)),
      );
    });
    await currentSetup().engine.started(1);
    await waitFor(() => expect(result.current.jobId).toBeDefined());
    act(() => result.current.cancel());
    const outcome = await pending;
    const rejected = "rejected" in outcome ? (outcome.rejected as Error) : undefined;
    expect(rejected).toBeInstanceOf(DOMException);
    expect(rejected?.name).toBe("AbortError");
    expect(rejected?.message).toBe("The generation was cancelled");
    expect(isDecartError(rejected)).toBe(false);
    expect(result.current.status).toBe("idle");
    await waitFor(() => expect(currentSetup().engine.aborted).toEqual(["to cancel"]));
    expect(calls).toEqual([]);
  });

  it("rejects a replaced call with an AbortError, coalesced or running, and runs the newer one", async () => {
    currentSetup().engine.release(true);
    const { result } = renderHook(() => useProcess(), { wrapper });
    let outcomes!: Promise<Array<{ value: Blob } | { rejected: unknown }>>;
    act(() => {
      outcomes = Promise.all([
        settle(result.current.processAsync({ model: t2i, prompt: "one" })),
        settle(result.current.processAsync({ model: t2i, prompt: "two" })),
      ]);
    });
    const [one, two] = await act(() => outcomes);
    expect(one).toEqual({
      rejected: expect.objectContaining({ name: "AbortError", message: "Replaced by a newer call" }),
    });
    expect(two).toEqual({ value: expect.any(Blob) });
    expect(currentSetup().engine.renders.map((request) => request.prompt)).toEqual(["two"]);

    currentSetup().engine.release(false);
    let running!: Promise<{ value: Blob } | { rejected: unknown }>;
    act(() => {
      running = settle(result.current.processAsync({ model: t2v, prompt: "running" }));
    });
    await currentSetup().engine.started(2);
    let newer!: Promise<Blob>;
    act(() => {
      newer = result.current.processAsync({ model: t2v, prompt: "newer" });
    });
    expect(await running).toEqual({ rejected: expect.objectContaining({ name: "AbortError" }) });
    await currentSetup().engine.started(3);
    currentSetup().engine.release(true);
    expect(await (await act(() => newer)).text()).toBe("video for newer");
  });

  it("rejects with an AbortError on reset() and on unmount, without the call's callbacks", async () => {
    const calls: string[] = [];
    const { result, unmount } = renderHook(() => useProcess(recording("hook", calls)), { wrapper });
    let reset!: Promise<{ value: Blob } | { rejected: unknown }>;
    act(() => {
      reset = settle(result.current.processAsync({ model: t2v, prompt: "reset" }, recording("call", calls)));
    });
    await currentSetup().engine.started(1);
    act(() => result.current.reset());
    expect(await reset).toEqual({
      rejected: expect.objectContaining({ name: "AbortError", message: "The generation was reset" }),
    });

    let unmounted!: Promise<{ value: Blob } | { rejected: unknown }>;
    act(() => {
      unmounted = settle(
        result.current.processAsync({ model: t2v, prompt: "unmount" }, recording("call", calls)),
      );
    });
    await currentSetup().engine.started(2);
    unmount();
    expect(await unmounted).toEqual({
      rejected: expect.objectContaining({ name: "AbortError", message: "The component unmounted" }),
    });
    await waitFor(() => expect(currentSetup().engine.aborted).toEqual(["reset", "unmount"]));
    expect(calls).toEqual([]);
  });
});

describe("callbacks", () => {
  it("uses the hook's latest callbacks, as of the last render", async () => {
    const calls: string[] = [];
    const { result, rerender } = renderHook((options: UseProcessOptions) => useProcess(options), {
      wrapper,
      initialProps: recording("old", calls),
    });
    let pending!: Promise<Blob>;
    act(() => {
      pending = result.current.processAsync({ model: t2v, prompt: "latest" });
    });
    await currentSetup().engine.started(1);
    rerender(recording("new", calls));
    currentSetup().engine.release(true);
    await act(() => pending);
    expect(calls).toEqual(["new.onSuccess video/mp4 lucy-pro-t2v", "new.onSettled video/mp4 -"]);
  });

  it("a callback that throws leaves the state and the promise alone, and is reported as unhandled", async () => {
    currentSetup().engine.release(true);
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    const saved = process.listeners("unhandledRejection");
    process.removeAllListeners("unhandledRejection");
    process.on("unhandledRejection", record);
    try {
      const boom = new Error("callback bug");
      const after: string[] = [];
      const { result } = renderHook(
        () =>
          useProcess({
            onSuccess: () => {
              throw boom;
            },
            onSettled: () => after.push("hook.onSettled"),
          }),
        { wrapper },
      );
      const blob = await act(() =>
        result.current.processAsync(
          { model: t2i, prompt: "throws" },
          { onSuccess: () => after.push("call.onSuccess") },
        ),
      );
      expect(blob.type).toBe("image/png");
      expect(result.current.status).toBe("success");
      expect(after).toEqual(["hook.onSettled", "call.onSuccess"]);
      await waitFor(() => expect(unhandled).toEqual([boom]));
    } finally {
      process.off("unhandledRejection", record);
      for (const listener of saved) process.on("unhandledRejection", listener);
    }
  });

  it("run once under StrictMode, for a call made from a mount effect", async () => {
    currentSetup().engine.release(true);
    const calls: string[] = [];
    function OnMount() {
      const { processAsync } = useProcess(recording("hook", calls));
      const [shown, setShown] = useState("waiting");
      useEffect(() => {
        processAsync({ model: t2i, prompt: "strict" }, recording("call", calls)).then(
          (data) => setShown(`done ${data.type}`),
          (error: DecartSDKError | DOMException) => setShown(error.name),
        );
      }, [processAsync]);
      return <p data-testid="shown">{shown}</p>;
    }
    render(
      <StrictMode>
        <DecartProvider client={currentSetup().client}>
          <OnMount />
        </DecartProvider>
      </StrictMode>,
    );
    // StrictMode runs the effect twice: the first call is replaced by the second, in the same tick.
    await waitFor(() => expect(screen.getByTestId("shown").textContent).toBe("done image/png"));
    expect(currentSetup().engine.renders).toHaveLength(1);
    expect(calls).toEqual([
      "hook.onSuccess image/png lucy-pro-t2i",
      "hook.onSettled image/png -",
      "call.onSuccess image/png lucy-pro-t2i",
      "call.onSettled image/png -",
    ]);
  });
});
