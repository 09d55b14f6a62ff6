import { mkdtemp } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { headers as protocolHeaders } from "@decart/core/protocol";
import { HttpError, notFound, sendFile, sendJson } from "../http/index";
import { readPlan, removeTree } from "../inputs/index";
import { type Job, jobBody } from "../jobs/index";
import type { HandlerContext } from "./context";

const idempotencyKeyPattern = /^[\x21-\x7e]{1,255}$/;

/** The request's `Idempotency-Key` (with extensions on), checked; `undefined` when there is none. */
function idempotencyKeyOf(context: HandlerContext, request: IncomingMessage): string | undefined {
  const header = context.settings.extensions ? request.headers[protocolHeaders.idempotencyKey] : undefined;
  const key = typeof header === "string" ? header : undefined;
  if (key !== undefined && !idempotencyKeyPattern.test(key)) {
    throw new HttpError(400, "INVALID_INPUT", "Idempotency-Key must be 1 to 255 visible ASCII characters");
  }
  return key;
}

/** The wire answer to a submission: a job still processing is reported as `pending`, as the API does. */
const submitted = (job: Job) => ({
  job_id: job.id,
  status: job.status === "processing" ? "pending" : job.status,
});

/**
 * `POST /v1/jobs/{model}`: reads the inputs and answers with a pending job whose render is queued. A
 * repeated `Idempotency-Key` answers with the first submission's job (409 for another model's).
 */
export async function handleSubmit(
  context: HandlerContext,
  request: IncomingMessage,
  response: ServerResponse,
  modelName: string,
): Promise<void> {
  const { settings, jobs, workRoot } = context;
  const model = context.catalog.find(modelName);
  const key = idempotencyKeyOf(context, request);
  const earlier = key === undefined ? undefined : await jobs.byKey(key);
  if (earlier && key !== undefined) {
    if (earlier.model !== model.name) {
      throw new HttpError(
        409,
        "IDEMPOTENCY_CONFLICT",
        `Idempotency-Key ${key} was used for a ${earlier.model} job`,
      );
    }
    request.resume();
    sendJson(response, 200, jobBody(earlier, settings.extensions));
    return;
  }
  context.queue.assertRoom();
  const reservation = key === undefined ? undefined : jobs.reserve(key);
  let directory: string | undefined;
  let job: Job | undefined;
  try {
    // Inside the try: a folder that cannot be made (a full disk) must still release the key's claim.
    directory = await mkdtemp(join(workRoot, "job-"));
    const plan = await readPlan(request, model, {
      directory,
      workRoot,
      maxUploadBytes: settings.maxUploadBytes,
      uploadIdleTimeoutMs: settings.uploadIdleTimeoutMs,
      checkVideos: true,
      ffmpegPath: settings.ffmpegPath,
    });
    job = jobs.start(model, plan, key, directory);
    sendJson(response, 200, submitted(job));
  } catch (error) {
    if (directory !== undefined) await removeTree(directory);
    throw error;
  } finally {
    reservation?.release(job);
  }
}

/** `GET /v1/jobs/{job_id}`: the job's status. */
export function handleStatus(context: HandlerContext, response: ServerResponse, jobId: string): void {
  sendJson(response, 200, jobBody(context.jobs.find(jobId), context.settings.extensions));
}

/** `GET /v1/jobs/{job_id}/content`: a completed job's file (409 before it completes). */
export async function handleContent(
  context: HandlerContext,
  request: IncomingMessage,
  response: ServerResponse,
  jobId: string,
): Promise<void> {
  const result = context.jobs.result(jobId);
  const seed = context.settings.extensions ? result.seed : undefined;
  await sendFile(request, response, result.path, result.contentType, seed);
}

/** `POST /v1/jobs/{job_id}/cancel` (an extension; 404 in strict mode): cancels an active job. */
export function handleCancel(context: HandlerContext, response: ServerResponse, jobId: string): void {
  if (!context.settings.extensions) throw notFound();
  sendJson(response, 200, jobBody(context.jobs.cancel(jobId), true));
}
