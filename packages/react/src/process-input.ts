import type { ModelDefinition, ModelInputs, RequestControls } from "@decart/core";

/**
 * Where the hook's current generation stands.
 *
 * @example
 * ```ts
 * import type { ProcessStatus } from "@decart/react";
 *
 * const labels: Record<ProcessStatus, string> = { idle: "Ready", pending: "Working…", success: "Done", error: "Failed" };
 * ```
 */
export type ProcessStatus = "idle" | "pending" | "success" | "error";

/**
 * What `process` accepts: the same options as `client.process` — a model and that model's inputs —
 * minus `signal`, which the hook manages (use `cancel()`).
 *
 * @example
 * ```ts
 * import type { UseProcessInput } from "@decart/react";
 * import { models } from "@decart/models";
 *
 * const model = models.image("lucy-pro-t2i");
 * const input: UseProcessInput<typeof model> = { model, prompt: "A futuristic cityscape", orientation: "portrait" };
 * ```
 */
export type UseProcessInput<Model extends ModelDefinition = ModelDefinition> = {
  /** The model to run, such as `models.image("lucy-pro-t2i")`; its definition types the other inputs. */
  model: Model;
} & ModelInputs<Model> &
  Omit<RequestControls, "signal">;
