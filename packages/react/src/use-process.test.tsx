// @vitest-environment happy-dom
import { InvalidInputError } from "@decart/core";
import { models } from "@decart/models";
import { act, configure, render, renderHook, screen, waitFor } from "@testing-library/react";
import { type ReactNode, StrictMode, useEffect, useRef } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DecartProvider } from "./provider";
import { useTestSetup } from "./test-support/index";
import { type UseProcessResult, useProcess } from "./use-process";

configure({ asyncUtilTimeout: 10_000 });

const currentSetup = useTestSetup();
afterEach(() => {
  probe.latest = undefined;
  probe.renders = 0;
  probe.processes.clear();
});

const t2v = models.video("lucy-pro-t2v");
const t2i = models.image("lucy-pro-t2i");

function wrapper({ children }: { children: ReactNode }) {
  return <DecartProvider client={currentSetup().client}>{children}</DecartProvider>;
}

/** What the components below last rendered with, and how often they rendered. */
const probe: { latest?: UseProcessResult; renders: number; processes: Set<unknown> } = {
  renders: 0,
  processes: new Set(),
};

function Generator() {
  probe.renders += 1;
  probe.latest = useProcess();
  return <p data-testid="status">{probe.latest.status}</p>;
}

function OnMount() {
  const { process, status, data } = useProcess();
  useEffect(() => {
    void process({ model: t2v, prompt: "strict" });
  }, [process]);
  return <p data-testid="status">{data ? `done ${data.size}` : status}</p>;
}

function ProcessIdentity() {
  const { process } = useProcess();
  const first = useRef(process);
  probe.processes.add(first.current);
  return null;
}

const jobSubmissions = () => currentSetup().sent.filter((line) => line.startsWith("POST /v1/jobs/lucy"));
const jobStatus = async (jobId: string) => (await currentSetup().client.queue.status(jobId)).status;

describe("useProcess", () => {
  it("goes idle → pending → success with the result, its progress and job id", async () => {
    const { result } = renderHook(() => useProcess(), { wrapper });
    expect(result.current.status).toBe("idle");
    expect(result.current.data).toBeUndefined();

    let pending!: Promise<Blob | undefined>;
    act(() => {
      pending = result.current.process({ model: t2v, prompt: "A lake at dawn", seed: 1 });
    });
    await waitFor(() => expect(result.current.status).toBe("pending"));
    await currentSetup().engine.started(1);
    await waitFor(() => expect(result.current.progress?.status).toBe("processing"));
    expect(result.current.jobId).toMatch(/\S/);
    expect(result.current.progress?.jobId).toBe(result.current.jobId);

    currentSetup().engine.release(true);
    const blob = await act(() => pending);
    await waitFor(() => expect(result.current.status).toBe("success"));
    expect(blob).toBeInstanceOf(Blob);
    expect(result.current.data).toBe(blob);
    expect(result.current.data?.type).toBe("video/mp4");
    expect(await result.current.data?.text()).toBe("video for A lake at dawn");
    expect(await jobStatus(result.current.jobId!)).toBe("completed");
  });

  it("cancels the running job, on the server too, when process is called again", async () => {
    const { result } = renderHook(() => useProcess(), { wrapper });
    let first!: Promise<Blob | undefined>;
    act(() => {
      first = result.current.process({ model: t2v, prompt: "first" });
    });
    await currentSetup().engine.started(1);
    await waitFor(() => expect(result.current.jobId).toBeDefined());
    const firstJob = result.current.jobId!;

    let second!: Promise<Blob | undefined>;
    act(() => {
      second = result.current.process({ model: t2v, prompt: "second" });
    });
    expect(await first).toBeUndefined();
    await waitFor(() => expect(currentSetup().engine.aborted).toEqual(["first"]));
    expect(await jobStatus(firstJob)).toBe("cancelled");
    expect(currentSetup().sent).toContain(`POST /v1/jobs/${firstJob}/cancel`);

    await currentSetup().engine.started(2);
    currentSetup().engine.release(true);
    const blob = await act(() => second);
    expect(await blob?.text()).toBe("video for second");
    await waitFor(() => expect(result.current.status).toBe("success"));
    expect(result.current.jobId).not.toBe(firstJob);
    expect(await result.current.data?.text()).toBe("video for second");
  });

  it("cancel() stops the job on the server and returns to idle", async () => {
    const { result } = renderHook(() => useProcess(), { wrapper });
    let pending!: Promise<Blob | undefined>;
    act(() => {
      pending = result.current.process({ model: t2v, prompt: "to cancel" });
    });
    await currentSetup().engine.started(1);
    await waitFor(() => expect(result.current.jobId).toBeDefined());
    const jobId = result.current.jobId!;
    act(() => result.current.cancel());
    expect(result.current.status).toBe("idle");
    expect(result.current.error).toBeUndefined();
    expect(await pending).toBeUndefined();
    await waitFor(() => expect(currentSetup().engine.aborted).toEqual(["to cancel"]));
    expect(await jobStatus(jobId)).toBe("cancelled");
  });

  it("cancels on unmount and never renders again", async () => {
    const view = render(<Generator />, { wrapper });
    act(() => {
      void probe.latest!.process({ model: t2v, prompt: "unmounted" });
    });
    await currentSetup().engine.started(1);
    await waitFor(() => expect(probe.latest!.jobId).toBeDefined());
    const jobId = probe.latest!.jobId!;
    const error = vi.spyOn(console, "error");

    view.unmount();
    const rendersAtUnmount = probe.renders;
    await waitFor(() => expect(currentSetup().engine.aborted).toEqual(["unmounted"]));
    expect(await jobStatus(jobId)).toBe("cancelled");
    await new Promise((resolve) => setTimeout(resolve, 150)); // a few polling intervals
    expect(probe.renders).toBe(rendersAtUnmount);
    expect(error).not.toHaveBeenCalled();
  });

  it("a process kept past unmount starts no job and makes no URL", async () => {
    currentSetup().engine.release(true);
    const create = vi.spyOn(URL, "createObjectURL");
    const { result, unmount } = renderHook(() => useProcess(), { wrapper });
    const kept = result.current.processAsync;
    const sent = currentSetup().sent.length;
    const renders = currentSetup().engine.renders.length;
    unmount();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const late = await kept({ model: t2i, prompt: "after unmount" }).catch((error: unknown) => error);
    expect(late).toBeInstanceOf(DOMException);
    expect((late as DOMException).name).toBe("AbortError");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(currentSetup().sent.length).toBe(sent);
    expect(currentSetup().engine.renders.length).toBe(renders);
    expect(create).not.toHaveBeenCalled();
  });

  it("submits once under StrictMode, even from a mount effect", async () => {
    currentSetup().engine.release(true);
    render(
      <StrictMode>
        <DecartProvider client={currentSetup().client}>
          <OnMount />
        </DecartProvider>
      </StrictMode>,
    );
    await waitFor(() => expect(screen.getByTestId("status").textContent).toMatch(/^done/));
    expect(jobSubmissions()).toHaveLength(1);
    expect(currentSetup().engine.renders).toHaveLength(1);
    expect(currentSetup().engine.aborted).toEqual([]);
    expect(currentSetup().sent.some((line) => line.endsWith("/cancel"))).toBe(false);
  });

  it("keeps a job running through StrictMode's simulated unmount", async () => {
    render(
      <StrictMode>
        <DecartProvider client={currentSetup().client}>
          <Generator />
        </DecartProvider>
      </StrictMode>,
    );
    act(() => {
      void probe.latest!.process({ model: t2i, prompt: "clicked" });
    });
    await currentSetup().engine.started(1);
    // Hold the render a while: a cancel deferred past the remount (a timer rather than the same commit)
    // would abort it now.
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(currentSetup().engine.aborted).toEqual([]);
    currentSetup().engine.release(true);
    await waitFor(() => expect(screen.getByTestId("status").textContent).toBe("success"));
    expect(currentSetup().sent.filter((line) => line.startsWith("POST /v1/generate/"))).toHaveLength(1);
    expect(currentSetup().engine.aborted).toEqual([]);
  });

  it("coalesces calls made in the same tick into one submission", async () => {
    currentSetup().engine.release(true);
    const { result } = renderHook(() => useProcess(), { wrapper });
    let outcomes!: Promise<Array<Blob | undefined>>;
    act(() => {
      outcomes = Promise.all([
        result.current.process({ model: t2i, prompt: "one" }),
        result.current.process({ model: t2i, prompt: "two" }),
      ]);
    });
    const [one, two] = await act(() => outcomes);
    expect(one).toBeUndefined();
    expect(two?.type).toBe("image/png");
    expect(currentSetup().engine.renders.map((request) => request.prompt)).toEqual(["two"]);
  });

  it("reports invalid inputs as a typed InvalidInputError without a request", async () => {
    const { result } = renderHook(() => useProcess(), { wrapper });
    let outcome!: Promise<Blob | undefined>;
    act(() => {
      outcome = result.current.process({ model: models.video("lucy-pro-i2v"), prompt: "no image" } as never);
    });
    expect(await act(() => outcome)).toBeUndefined();
    await waitFor(() => expect(result.current.status).toBe("error"));
    expect(result.current.error).toBeInstanceOf(InvalidInputError);
    expect(result.current.error?.message).toBe("Invalid inputs for lucy-pro-i2v: data is required");
    expect(result.current.error?.code).toBe("INVALID_INPUT");
    expect(currentSetup().sent).toEqual([]);
  });

  it("reset() cancels, and clears the result and the error", async () => {
    currentSetup().engine.release(true);
    const { result } = renderHook(() => useProcess(), { wrapper });
    await act(() => result.current.process({ model: t2i, prompt: "kept" }));
    expect(result.current.status).toBe("success");
    act(() => result.current.reset());
    expect(result.current.status).toBe("idle");
    expect(result.current.data).toBeUndefined();
    expect(result.current.url).toBeUndefined();
    expect(result.current.error).toBeUndefined();
  });
});

describe("object URLs", () => {
  it("creates the URL when a result arrives, never by reading it, and revokes it when replaced, reset and unmounted", async () => {
    currentSetup().engine.release(true);
    const create = vi.spyOn(URL, "createObjectURL");
    const revoke = vi.spyOn(URL, "revokeObjectURL");
    const { result, unmount } = renderHook(() => useProcess(), { wrapper });
    expect(result.current.url).toBeUndefined();

    await act(() => result.current.process({ model: t2i, prompt: "first" }));
    expect(create).toHaveBeenCalledTimes(1);
    expect(create).toHaveBeenLastCalledWith(result.current.data);
    const first = result.current.url;
    expect(first).toMatch(/^blob:/);
    // Reading the property, across renders, makes nothing.
    for (let read = 0; read < 3; read++) expect(result.current.url).toBe(first);
    expect(Object.getOwnPropertyDescriptor(result.current, "url")?.get).toBeUndefined();
    expect(create).toHaveBeenCalledTimes(1);

    await act(() => result.current.process({ model: t2i, prompt: "second" }));
    const second = result.current.url;
    expect(second).toMatch(/^blob:/);
    expect(second).not.toBe(first);
    expect(revoke).toHaveBeenCalledWith(first);
    expect(revoke).not.toHaveBeenCalledWith(second);

    act(() => result.current.reset());
    expect(revoke).toHaveBeenCalledWith(second);
    expect(result.current.url).toBeUndefined();

    await act(() => result.current.process({ model: t2i, prompt: "third" }));
    const third = result.current.url;
    expect(third).toMatch(/^blob:/);
    unmount();
    await waitFor(() => expect(revoke).toHaveBeenCalledWith(third));
    expect(create).toHaveBeenCalledTimes(3);
    expect(revoke).toHaveBeenCalledTimes(3);
  });

  it("revokes the previous URL as soon as a new generation starts", async () => {
    currentSetup().engine.release(true);
    const revoke = vi.spyOn(URL, "revokeObjectURL");
    const { result } = renderHook(() => useProcess(), { wrapper });
    await act(() => result.current.process({ model: t2i, prompt: "shown" }));
    const shown = result.current.url;
    currentSetup().engine.release(false);
    act(() => {
      void result.current.process({ model: t2v, prompt: "next" });
    });
    await waitFor(() => expect(result.current.status).toBe("pending"));
    expect(result.current.url).toBeUndefined();
    expect(revoke).toHaveBeenCalledWith(shown);
    act(() => result.current.cancel());
    await waitFor(() => expect(currentSetup().engine.aborted).toEqual(["next"]));
  });
});

describe("DecartProvider", () => {
  it("creates one client from inline options and a new one when an option changes", () => {
    const { rerender } = render(
      <DecartProvider options={{ proxy: "/api/decart" }}>
        <ProcessIdentity />
      </DecartProvider>,
    );
    rerender(
      <DecartProvider options={{ proxy: "/api/decart" }}>
        <ProcessIdentity />
      </DecartProvider>,
    );
    expect(probe.processes.size).toBe(1);
  });

  it("explains what is missing when a hook is used outside a provider", () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    expect(() => renderHook(() => useProcess())).toThrow(/inside a <DecartProvider>/);
  });
});
