import { models } from "@decart/models";
import { describe, expect, inject, it } from "vitest";
import { type CallName, type CallReport, calls, type ScenarioOptions } from "./scenario";

/** Runs one call of the matrix in a runtime and resolves with its report. */
export type CallRunner = (call: CallName, options: ScenarioOptions) => Promise<CallReport>;

/** The emulator's key and URL, for a runtime that calls it directly. */
export function direct(): ScenarioOptions {
  return { apiKey: inject("emulatorKey"), baseUrl: inject("emulatorUrl") };
}

/** Checks a call's report: the same facts in every runtime. */
export function expectReport(call: CallName, report: CallReport): void {
  if (call === "image") {
    const size = models.image("lucy-pro-t2i").geometry["480p"];
    expect(report, JSON.stringify(report.error)).toMatchObject({ ok: true, type: "image/png", ...size });
  } else if (call === "video") {
    expect(report, JSON.stringify(report.error)).toMatchObject({
      ok: true,
      type: "video/mp4",
      firstBox: "ftyp",
    });
    expect(report.size).toBeGreaterThan(1000);
  } else if (call === "abort") {
    expect(report).toMatchObject({ ok: true, error: { name: "AbortError" }, jobStatus: "cancelled" });
  } else {
    expect(report).toMatchObject({ ok: true, error: { name: "InvalidInputError" }, requests: 0 });
    expect(report.error?.message).toMatch(/prompt/);
  }
}

/** One test per call: `<runtime> › image`, `› video`, `› abort`, `› invalid`. */
export function describeMatrix(
  runtime: string,
  run: CallRunner,
  options: () => ScenarioOptions = direct,
): void {
  describe(runtime, () => {
    for (const call of calls) {
      it(call, async () => {
        expectReport(call, await run(call, options()));
      });
    }
  });
}
