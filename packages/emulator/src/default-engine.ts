import { randomBytes } from "node:crypto";
import { renderJob } from "./engine/render";
import type { Engine } from "./engine/types";

// Interim in-process adapter around the engine's renderJob, until the engine's worker pool lands.
export function createProceduralEngine(_options: { workers?: number } = {}): Engine {
  return {
    render(request) {
      const { signal, onProgress, ...job } = request;
      return renderJob(job, {
        temporaryPath: `${request.outputPath}.${randomBytes(4).toString("hex")}.tmp`,
        isAborted: () => signal.aborted,
        ...(onProgress ? { onProgress } : {}),
      });
    },
  };
}
