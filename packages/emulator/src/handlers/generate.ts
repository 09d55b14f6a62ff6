import { mkdtemp } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import type { RenderResult } from "../engine/index";
import { ClientGoneError, sendFile } from "../http/index";
import { mediaInputError, outputExtension, readPlan, removeTree, renderPlan } from "../inputs/index";
import type { HandlerContext } from "./context";

/**
 * `POST /v1/generate/{model}`: reads the inputs, renders when the queue gives a slot and answers with the
 * file. The render is aborted if the client goes away first.
 */
export async function handleGenerate(
  context: HandlerContext,
  request: IncomingMessage,
  response: ServerResponse,
  modelName: string,
): Promise<void> {
  const { settings, queue, engine, workRoot } = context;
  const model = context.catalog.find(modelName);
  queue.assertRoom();
  const controller = new AbortController();
  context.syncRequests.add(controller);
  const onClose = () => {
    if (!response.writableFinished) controller.abort(new ClientGoneError("The client closed the connection"));
  };
  response.on("close", onClose);
  const directory = await mkdtemp(join(workRoot, "request-"));
  try {
    const { plan, seed } = await readPlan(request, model, {
      directory,
      workRoot,
      maxUploadBytes: settings.maxUploadBytes,
      uploadIdleTimeoutMs: settings.uploadIdleTimeoutMs,
      checkVideos: false,
    });
    const outputPath = join(directory, `result.${outputExtension(model)}`);
    let result: RenderResult;
    try {
      result = await queue.run(
        () => renderPlan(engine, plan, seed, outputPath, controller.signal),
        controller.signal,
      );
    } catch (error) {
      throw mediaInputError(model, error, workRoot) ?? error;
    }
    const sentSeed = settings.extensions ? seed : undefined;
    await sendFile(request, response, result.outputPath, result.contentType, sentSeed);
  } finally {
    response.off("close", onClose);
    context.syncRequests.delete(controller);
    await removeTree(directory);
  }
}
