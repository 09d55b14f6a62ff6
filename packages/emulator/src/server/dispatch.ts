import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { headers as protocolHeaders } from "@decart/core/protocol";
import type { HandlerContext } from "../handlers/index";
import {
  handleCancel,
  handleContent,
  handleCreateToken,
  handleDeleteFile,
  handleGenerate,
  handleGetFile,
  handleHealth,
  handleJwks,
  handleStatus,
  handleSubmit,
  handleUploadFile,
} from "../handlers/index";
import { HttpError } from "../http/index";
import { authorize, type Caller } from "./auth";
import { applyCors } from "./cors";
import { refuse } from "./refuse";
import { type ResolvedRoute, resolveRoute } from "./resolve-route";

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
  /**
   * Who the `X-API-KEY` header says sent the request (the permanent key or a client key); throws the
   * 401 for a missing, wrong or expired key.
   */
  readonly authenticate: (headers: IncomingMessage["headers"]) => Caller;
}

/** The route of a request, or the error that resolving it threw (answered once the key is checked). */
function tryResolve(context: HandlerContext, request: IncomingMessage): ResolvedRoute | HttpError {
  try {
    return resolveRoute(request.method ?? "GET", request.url ?? "/", context.settings.extensions);
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
}

/**
 * Sends one request to its handler, after the shutdown check, the key check (every route but the JWKS,
 * which is public) and the client key's scope; any error becomes its answer.
 */
export async function dispatch(
  context: HandlerContext,
  gate: Gate,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  response.setHeader(protocolHeaders.requestId, requestId());
  // A page's preflight carries no key: it is answered before the key check.
  if (applyCors(request, response, context.settings.corsOrigins)) return;
  try {
    if (gate.closing()) throw new HttpError(503, "SHUTTING_DOWN", "The emulator is shutting down");
    const resolved = tryResolve(context, request);
    if (!(resolved instanceof HttpError) && resolved.route === "jwks") return handleJwks(context, response);
    // The key first, so that without it every path, known or not, is the same 401.
    const caller = gate.authenticate(request.headers);
    if (resolved instanceof HttpError) throw resolved;
    const origin = request.headers.origin;
    authorize(caller, resolved, { origin, modelOfJob: (jobId) => context.jobs.find(jobId).model });
    await route(context, request, response, resolved);
  } catch (error) {
    const { extensions, maxUploadBytes, uploadIdleTimeoutMs } = context.settings;
    await refuse(request, response, error, extensions, {
      maxBytes: Math.max(drainBytes, 2 * maxUploadBytes),
      timeoutMs: Math.min(drainTimeoutMs, uploadIdleTimeoutMs),
    });
  }
}

async function route(
  context: HandlerContext,
  request: IncomingMessage,
  response: ServerResponse,
  route: ResolvedRoute,
) {
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
    case "jwks":
      return handleJwks(context, response);
    case "createToken":
      return handleCreateToken(context, request, response);
    case "uploadFile":
      return handleUploadFile(context, request, response);
    case "getFile":
      return handleGetFile(context, response, route.fileId);
    case "deleteFile":
      return handleDeleteFile(context, response, route.fileId);
  }
}
