import { models } from "@decart/models";
import { describe, expect, inject, it } from "vitest";
import { type CallName, type CallReport, calls, type ScenarioOptions } from "./scenario";

/** Runs one call of the matrix in a runtime and resolves with its report. */
export type CallRunner = (call: CallName, options: ScenarioOptions) => Promise<CallReport>;

/** The emulator's key and URL, for a runtime that calls it directly. */
export function direct(): ScenarioOptions {
  return { apiKey: inject("emulatorKey"), baseUrl: inject("emulatorUrl") };
}

const pngSignature = "89504e470d0a1a0a";
const ftyp = "66747970";

/**
 * Checks what a media call's Blob said of itself: the response's type, and a size that is the number of
 * bytes reading it gave.
 */
function expectBlob(report: CallReport, type: string): void {
  expect(report, JSON.stringify(report.error)).toMatchObject({ ok: true, type });
  expect(report.size).toBeGreaterThan(0);
  expect(report.bytes).toBe(report.size);
}

/** Checks a call's report: the same facts in every runtime. */
export function expectReport(call: CallName, report: CallReport): void {
  if (call === "image") {
    expectBlob(report, "image/png");
    expect(report.head?.slice(0, 16)).toBe(pngSignature);
    const { width, height } = models.image("lucy-pro-t2i").geometry["480p"] ?? {};
    expect({ width: report.width, height: report.height }).toEqual({ width, height });
  } else if (call === "video") {
    expectBlob(report, "video/mp4");
    expect(report.head?.slice(8, 16)).toBe(ftyp); // the first box is `ftyp`, its type at offset 4
    expect(report.boxes?.[0]).toBe("ftyp");
    expect(report.boxes).toEqual(expect.arrayContaining(["moov", "mdat"]));
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
