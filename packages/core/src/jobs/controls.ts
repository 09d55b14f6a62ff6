import { type InputIssue, InvalidInputError } from "../errors/index";
import type { ModelDefinition, ProgressEvent } from "../model/index";

/**
 * Per-call controls that travel beside a model's inputs.
 *
 * @example
 * ```ts
 * import type { RequestControls } from "@decart/core";
 *
 * const controls: RequestControls = { signal: AbortSignal.timeout(60_000), onProgress: (event) => console.log(event.status) };
 * ```
 */
export interface RequestControls {
  /**
   * Cancels the call: it rejects with `signal.reason` (a `DOMException` named `AbortError` by default),
   * polling stops, and a running job is cancelled on the server, best effort.
   */
  signal?: AbortSignal;
  /**
   * Called on every status change and progress update.
   */
  onProgress?: (event: ProgressEvent) => void;
  /**
   * Overall time limit for the whole call (upload, queue, polling, download), in milliseconds; past it
   * the call rejects with `TimeoutError` and the job is cancelled. No limit by default.
   */
  deadline?: number;
}

/** A call's controls, checked: each is the right type or absent. */
export interface CheckedControls {
  signal: AbortSignal | undefined;
  onProgress: ((event: ProgressEvent) => void) | undefined;
  deadline: number | undefined;
}

/** True for an `AbortSignal`, this realm's or another's (a jsdom window's, a polyfill's). */
function isAbortSignal(value: unknown): value is AbortSignal {
  if (typeof AbortSignal === "function" && value instanceof AbortSignal) return true;
  const candidate = value as Partial<AbortSignal> | null;
  return (
    typeof candidate === "object" &&
    candidate !== null &&
    typeof candidate.aborted === "boolean" &&
    typeof candidate.addEventListener === "function" &&
    typeof candidate.removeEventListener === "function"
  );
}

/** What the caller named the call by: the model's name when there is one, else the operation. */
function subjectOf(options: unknown, operation: string): string {
  const name = (options as { model?: { name?: unknown } } | undefined)?.model?.name;
  return typeof name === "string" && name !== "" ? name : operation;
}

/**
 * Checks the controls every call takes (`signal`, `onProgress`, `deadline`) before anything is sent,
 * so a wrong one is an `InvalidInputError` naming it, not a `TypeError` from deep inside the call after
 * the job was submitted. `options` may be missing only where the operation takes no inputs.
 */
export function readControls(options: unknown, operation: string, optional = false): CheckedControls {
  if (options === undefined && optional)
    return { signal: undefined, onProgress: undefined, deadline: undefined };
  if (typeof options !== "object" || options === null) {
    throw new InvalidInputError(
      `Invalid inputs for ${operation}: pass an options object, such as { model, prompt } (got ${options === null ? "null" : typeof options})`,
    );
  }
  const { signal, onProgress, deadline } = options as Record<string, unknown>;
  const issues: InputIssue[] = [];
  if (signal !== undefined && !isAbortSignal(signal)) {
    issues.push({
      field: "signal",
      message: "signal must be an AbortSignal, such as AbortSignal.timeout(60_000)",
    });
  }
  if (onProgress !== undefined && typeof onProgress !== "function") {
    issues.push({ field: "onProgress", message: "onProgress must be a function" });
  }
  if (deadline !== undefined && !(typeof deadline === "number" && deadline > 0)) {
    issues.push({ field: "deadline", message: "deadline must be a number of milliseconds above 0" });
  }
  if (issues.length > 0) throw InvalidInputError.fromIssues(subjectOf(options, operation), issues);
  return {
    signal: signal as AbortSignal | undefined,
    onProgress: onProgress as CheckedControls["onProgress"],
    deadline: deadline === Number.POSITIVE_INFINITY ? undefined : (deadline as number | undefined),
  };
}

/**
 * Checks that `model` has what the client reads from a model definition, so a hand-written custom model
 * missing a part fails with an `InvalidInputError` saying which, before any request.
 */
export function checkModelDefinition(model: unknown): asserts model is ModelDefinition {
  const candidate = model as Partial<ModelDefinition> | undefined;
  const schema = candidate?.inputs?.["~standard"];
  if (
    typeof candidate !== "object" ||
    candidate === null ||
    !schema ||
    typeof schema.validate !== "function"
  ) {
    throw new InvalidInputError(
      'Invalid inputs: `model` must be a model definition, such as models.video("lucy-pro-t2v")',
    );
  }
  const name =
    typeof candidate.name === "string" && candidate.name !== "" ? candidate.name : "a custom model";
  const missing: string[] = [];
  if (typeof candidate.name !== "string" || candidate.name === "") missing.push("name (a string)");
  if (candidate.kind !== "image" && candidate.kind !== "video") missing.push('kind ("image" or "video")');
  const endpoints = candidate.endpoints as Partial<ModelDefinition["endpoints"]> | undefined;
  const endpoint = candidate.kind === "image" ? endpoints?.generate : endpoints?.jobs;
  if (typeof endpoint !== "string")
    missing.push(candidate.kind === "image" ? "endpoints.generate" : "endpoints.jobs");
  if (typeof candidate.fileFields !== "object" || candidate.fileFields === null) {
    missing.push("fileFields (an object naming the file fields, {} for none)");
  }
  if (missing.length > 0) {
    throw new InvalidInputError(`Invalid model definition for ${name}: it needs ${missing.join(", ")}`, {
      issues: missing.map((part) => ({
        field: `model.${part.split(" ")[0]}`,
        message: `model.${part} is missing`,
      })),
    });
  }
}
