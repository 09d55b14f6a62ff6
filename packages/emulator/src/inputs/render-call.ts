import type { Engine, RenderResult } from "../engine/index";
import type { RenderPlan } from "./render-plan";

/** One render of a plan by the engine: the request the engine takes, built from a plan and its seed. */
export function renderPlan(
  engine: Engine,
  plan: RenderPlan,
  seed: number,
  outputPath: string,
  signal: AbortSignal,
  onProgress?: (fraction: number) => void,
): Promise<RenderResult> {
  return engine.render({
    ...plan,
    seed: seed >>> 0,
    outputPath,
    signal,
    ...(onProgress ? { onProgress } : {}),
  });
}
