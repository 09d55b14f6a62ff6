import { isTerminalStatus, readJobStatus } from "@decart/core/protocol";

/** What a job route's JSON said, once its `job_id` was replaced by the proxy-scoped one. */
export interface RewrittenJob {
  body: Uint8Array<ArrayBuffer>;
  /** The upstream's real job id, when the body had one. */
  jobId: string | undefined;
  /** Whether the job has ended (completed, failed, cancelled). */
  ended: boolean;
}

const maxJobBodyBytes = 1024 * 1024;

/**
 * Reads a submit, status or cancel response and replaces its `job_id` by `seal(job_id)`, leaving every other
 * field as it was. A body that is not a JSON object (an error page) is passed through as read.
 */
export async function rewriteJobBody(
  upstream: Response,
  seal: (jobId: string) => Promise<string>,
): Promise<RewrittenJob> {
  const raw = new Uint8Array(await upstream.arrayBuffer());
  const unchanged = { body: raw, jobId: undefined, ended: false };
  const type = upstream.headers.get("content-type") ?? "";
  if (!/\bjson\b/i.test(type) || raw.byteLength > maxJobBodyBytes) return unchanged;
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(raw));
  } catch {
    return unchanged;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return unchanged;
  const job = parsed as Record<string, unknown>;
  if (typeof job.job_id !== "string" || job.job_id === "") return unchanged;
  const jobId = job.job_id;
  let ended = false;
  try {
    ended = isTerminalStatus(readJobStatus(job).status);
  } catch {
    // No status (a cancel acknowledgement may carry none): not a sign the job ended.
  }
  const body = new TextEncoder().encode(JSON.stringify({ ...job, job_id: await seal(jobId) }));
  return { body, jobId, ended };
}
