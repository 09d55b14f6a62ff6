import type { ServerResponse } from "node:http";
import { sendJson } from "../http/index";
import type { HandlerContext } from "./context";

/** `GET /v1/health` (the emulator's own): the models it serves and how busy its queue is. */
export function handleHealth(context: HandlerContext, response: ServerResponse): void {
  sendJson(response, 200, {
    status: "ok",
    models: context.catalog.names(),
    active: context.queue.active,
    queued: context.queue.queued,
  });
}
