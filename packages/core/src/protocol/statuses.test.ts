import { describe, expect, test } from "vitest";
import { extensionStatuses, isTerminalStatus, jobStatuses, readJobStatus } from "./statuses";

describe("job statuses", () => {
  test("lists what official clients know, and the extension apart", () => {
    expect(jobStatuses).toEqual(["pending", "processing", "completed", "failed"]);
    expect(extensionStatuses).toEqual(["cancelled"]);
  });

  test("ends on completed, failed and cancelled; anything else keeps polling", () => {
    for (const status of ["completed", "failed", "cancelled"]) expect(isTerminalStatus(status)).toBe(true);
    for (const status of ["pending", "processing", "queued", "", "COMPLETED"]) {
      expect(isTerminalStatus(status)).toBe(false);
    }
  });
});

describe("readJobStatus", () => {
  test("reads the real API's body and keeps only known fields", () => {
    expect(readJobStatus({ job_id: "job_1", status: "pending", extra: 1 })).toEqual({
      job_id: "job_1",
      status: "pending",
    });
  });

  test("keeps an unknown status as it is", () => {
    expect(readJobStatus({ job_id: "job_1", status: "warming_up" })).toEqual({
      job_id: "job_1",
      status: "warming_up",
    });
  });

  test("normalises both wire forms of a cancelled job", () => {
    const expected = { job_id: "job_1", status: "cancelled", cancelled: true };
    expect(readJobStatus({ job_id: "job_1", status: "cancelled" })).toEqual(expected);
    expect(readJobStatus({ job_id: "job_1", status: "failed", cancelled: true })).toEqual(expected);
    expect(readJobStatus({ job_id: "job_1", status: "failed", cancelled: false }).status).toBe("failed");
    expect(readJobStatus({ job_id: "job_1", status: "completed", cancelled: true }).status).toBe("completed");
  });

  test("clamps progress, reads error as a string or an object, uses the fallback id", () => {
    expect(readJobStatus({ status: "processing", progress: 1.7 }, "job_2")).toEqual({
      job_id: "job_2",
      status: "processing",
      progress: 1,
    });
    expect(
      readJobStatus({ job_id: "job_1", status: "processing", progress: Number.NaN }).progress,
    ).toBeUndefined();
    expect(readJobStatus({ job_id: "j", status: "failed", error: "Out of memory" }).error).toBe(
      "Out of memory",
    );
    expect(readJobStatus({ job_id: "j", status: "failed", error: { message: "Boom" } }).error).toBe("Boom");
  });

  test("reads a numeric job id as its digits", () => {
    expect(readJobStatus({ job_id: 42, status: "pending" })).toEqual({ job_id: "42", status: "pending" });
    expect(() => readJobStatus({ job_id: Number.NaN, status: "pending" })).toThrow(TypeError);
  });

  test("rejects a body with no status string or no id", () => {
    expect(() => readJobStatus({ job_id: "job_1" })).toThrow(TypeError);
    expect(() => readJobStatus({ job_id: "job_1", status: 3 })).toThrow(/job_id and a status/);
    expect(() => readJobStatus({ status: "pending" })).toThrow(TypeError);
    expect(() => readJobStatus(null, "job_1")).toThrow(TypeError);
    expect(() => readJobStatus("pending", "job_1")).toThrow(TypeError);
  });
});
