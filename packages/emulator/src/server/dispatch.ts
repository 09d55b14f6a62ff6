import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { headers as protocolHeaders } from "@decart/core/protocol";
import type { HandlerContext } from "../handlers/index";
import {
  handleCancel,
  handleContent,
  handleGenerate,
  handleHealth,
  handleStatus,
  handleSubmit,
} from "../handlers/index";
import { HttpError } from "../http/index";
import { refuse } from "./refuse";
import { resolveRoute } from "./resolve-route";

/**
 * A refusal reads and discards at most this much of an unsent body (or twice the upload limit, if larger) and
 * waits at most this long (or the upload idle timeout, if shorter) before it answers.
 */
const drainBytes = 16 * 1024 * 1024;
const drainTimeoutMs = 5_000;

/** A fresh `x-request-id` value. */
export const requestId = (): string => `req_${randomBytes(12).toString("hex")}`;

/** What {@link dispatch} checks before it routes a request. */
export interface Gate {
  /** Whether the emulator is shutting down (every request gets 503). */
  readonly closing: () => boolean;
  /** Whether the `X-API-KEY` header holds the key. */
  readonly keyIsValid: (header: string | string[] | undefined) => boolean;
}

/** Sends one request to its handler, after the shutdown and key checks; any error becomes its answer. */
export async function dispatch(
  context: HandlerContext,
  gate: Gate,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  response.setHeader(protocolHeaders.requestId, requestId());
  try {
    if (gate.closing()) throw new HttpError(503, "SHUTTING_DOWN", "The emulator is shutting down");
    if (!gate.keyIsValid(request.headers[protocolHeaders.apiKey])) {
      throw new HttpError(
        401,
        "INVALID_API_KEY",
        "Missing or wrong API key; send it in the X-API-KEY header",
      );
    }
    await route(context, request, response);
  } catch (error) {
    const { extensions, maxUploadBytes, uploadIdleTimeoutMs } = context.settings;
    await refuse(request, response, error, extensions, {
      maxBytes: Math.max(drainBytes, 2 * maxUploadBytes),
      timeoutMs: Math.min(drainTimeoutMs, uploadIdleTimeoutMs),
    });
  }
}

async function route(context: HandlerContext, request: IncomingMessage, response: ServerResponse) {
  const route = resolveRoute(request.method ?? "GET", request.url ?? "/", context.settings.extensions);
  switch (route.route) {
    case "health":
      return handleHealth(context, response);
    case "generate":
      return handleGenerate(context, request, response, route.model ?? "");
    case "submit":
      return handleSubmit(context, request, response, route.model ?? "");
    case "status":
      return handleStatus(context, response, route.jobId ?? "");
    case "content":
      return handleContent(context, request, response, route.jobId ?? "");
    case "cancel":
      return handleCancel(context, response, route.jobId ?? "");
  }
}
