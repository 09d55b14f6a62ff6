import type { BatchSnapshot } from "@decart/core";
import { describe, expect, it } from "vitest";
import { BatchView } from "./view";

const snapshot = (fields: Partial<BatchSnapshot>): BatchSnapshot => ({
  state: "running",
  running: 0,
  queued: 0,
  completed: 0,
  failed: 0,
  cancelled: 0,
  concurrency: 4,
  allRead: false,
  total: 0,
  ...fields,
});

describe("BatchView", () => {
  it("on a TTY redraws counts, throughput, ETA and a line per running item in place", () => {
    const written: string[] = [];
    const view = new BatchView({ isTTY: true, write: (text: string) => written.push(text) }, undefined);
    const running = snapshot({ running: 2, queued: 3, allRead: true, total: 6 });
    view.event({ type: "started", index: 0, key: "k0" }, running);
    view.event({ type: "submitted", index: 1, key: "k1", jobId: "job_9" }, running);
    view.event(
      { type: "progress", index: 1, key: "k1", progress: { status: "processing", progress: 0.5 } },
      running,
    );
    view.outcome({ index: 2, key: "k2", status: "completed", file: "/out/k2.mp4" });
    view.outcome({ index: 3, key: "k3", status: "failed" });
    expect(view.line()).toMatch(/^done 1\/6 · running 2 · queued 3 · failed 1 · [\d.]+\/s · ETA /);
    view.finish();
    expect(written.at(-1)).toMatch(/done 1\/6/);
    // A redraw moves the cursor up over what it drew before.
    view.finish();
    expect(written.at(-1)?.startsWith("\u001b[")).toBe(true);
    expect(written.at(-1)).toContain("F\u001b[J");
  });

  it("elsewhere prints one plain line per settled item and per rate-limit wait", () => {
    const written: string[] = [];
    const view = new BatchView({ isTTY: false, write: (text: string) => written.push(text) }, 2);
    view.event({ type: "rate-limited", index: 0, key: "k0", waitMs: 1000, concurrency: 2 }, snapshot({}));
    view.outcome({ index: 0, key: "k0", status: "completed", file: "/out/a.mp4" });
    view.outcome({ index: 1, key: "k1", status: "completed", skipped: true, file: "/out/b.mp4" });
    view.finish();
    expect(written).toEqual([
      "rate limited: waiting 1000 ms, concurrency 2\n",
      "completed #0 k0 /out/a.mp4\n",
      "skipped #1 k1 /out/b.mp4\n",
    ]);
  });
});
