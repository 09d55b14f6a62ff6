import { openScope } from "../timing/index";
import type { ClientContext } from "./context";
import { type CheckedControls, readControls } from "./controls";
import { settleError } from "./process";

/**
 * Runs one client call that takes request controls (`client.queue.*`, `client.tokens.create`,
 * `client.files.*`): its controls checked before anything is sent, its signal and deadline linked into
 * one, and its failure shown to `onError` plugins as `operation`.
 */
export async function guardedCall<T>(
  context: ClientContext,
  operation: string,
  options: unknown,
  run: (signal: AbortSignal, controls: CheckedControls) => Promise<T>,
): Promise<T> {
  let scope: ReturnType<typeof openScope> | undefined;
  try {
    const controls = readControls(options, `client.${operation}()`, true);
    scope = openScope(controls.signal, controls.deadline);
    return await run(scope.signal, controls);
  } catch (error) {
    throw await settleError(context, error, operation);
  } finally {
    scope?.dispose();
  }
}
