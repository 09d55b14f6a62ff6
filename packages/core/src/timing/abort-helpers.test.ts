import { describe, expect, test } from "vitest";
import { openScope, sleep } from "./abort";

describe("abort helpers", () => {
  test("sleep rejects with the reason at once and leaves no timer", async () => {
    const controller = new AbortController();
    const before = process.getActiveResourcesInfo().filter((name) => name === "Timeout").length;
    const pending = sleep(10_000, controller.signal);
    const reason = new Error("stop");
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(process.getActiveResourcesInfo().filter((name) => name === "Timeout").length).toBe(before);
  });

  test("a scope aborts on deadline with a TimeoutError and on the caller's signal with its reason", async () => {
    const timed = openScope(undefined, 10);
    // Named apart from the DOMException of AbortSignal.timeout().
    await expect(sleep(1_000, timed.signal)).rejects.toMatchObject({
      name: "DecartTimeoutError",
      code: "TIMEOUT",
    });
    timed.dispose();
    const controller = new AbortController();
    const linked = openScope(controller.signal, 10_000);
    controller.abort("why");
    expect(linked.signal?.reason).toBe("why");
    linked.dispose();
  });
});
