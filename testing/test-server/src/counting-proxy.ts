import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One job submission the proxy saw, answered by the server or refused by the proxy itself. */
export interface Submission {
  /** When it arrived (`performance.now()` of this process). */
  at: number;
  prompt: string;
  /** The status it was answered with. */
  status: number;
  /** Its `Idempotency-Key` header, when it had one. */
  idempotencyKey?: string;
  /** The job the server answered with. */
  jobId?: string;
}

/** Options of {@link startCountingProxy}. */
export interface CountingProxyOptions {
  /**
   * Called for each submission (numbered from 0 in order of arrival) before it is forwarded: a number of seconds makes the
   * proxy answer it `429` with that `Retry-After` itself, as a rate-limited API would.
   */
  refuse?: (index: number) => number | undefined;
  /**
   * Called for each submission the server answered, before the answer is passed on: a promise holds the
   * answer back until it settles. The job then exists on the server while the client has not heard of it,
   * as when a client dies with its submission in flight.
   */
  hold?: (submission: Submission) => Promise<void> | undefined;
}

const promptOf = (body: Buffer) =>
  /name="prompt"\r\n(?:[^\r]*\r\n)*?\r\n([^\r]*)/.exec(body.toString("latin1"))?.[1] ?? "";

/**
 * A loopback proxy in front of a server that counts job submissions: for each prompt, the distinct job
 * ids the server answered with, and every submission with its time and answer. A submission that the
 * client abandoned (killed mid-request) still counts, because the proxy reads the server's answer whether
 * or not the client is still there.
 */
export async function startCountingProxy(target: string, options: CountingProxyOptions = {}) {
  const jobsByPrompt = new Map<string, Set<string>>();
  const counts = { submissions: 0, refused: 0 };
  const submissions: Submission[] = [];
  let arrivals = 0;
  async function forward(request: IncomingMessage, response: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const at = performance.now();
    const method = request.method ?? "GET";
    const isSubmission =
      method === "POST" && /^\/v1\/jobs\/[^/]+$/.test(new URL(request.url ?? "/", target).pathname);
    const refusal = isSubmission ? options.refuse?.(arrivals++) : undefined;
    if (refusal !== undefined) {
      counts.submissions++;
      counts.refused++;
      submissions.push({ at, prompt: promptOf(body), status: 429 });
      response.writeHead(429, { "content-type": "application/json", "retry-after": String(refusal) });
      response.end(JSON.stringify({ detail: "Rate limit exceeded" }));
      return;
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === "string" && !["host", "connection", "content-length"].includes(name))
        headers.set(name, value);
    }
    const answer = await fetch(new URL(request.url ?? "/", target), {
      method,
      headers,
      ...(method === "GET" || method === "HEAD" ? {} : { body }),
    });
    const bytes = Buffer.from(await answer.arrayBuffer());
    if (isSubmission) {
      counts.submissions++;
      if (answer.status === 429) counts.refused++;
      const prompt = promptOf(body);
      const idempotencyKey = headers.get("idempotency-key") ?? undefined;
      const submission: Submission = { at, prompt, status: answer.status };
      if (idempotencyKey !== undefined) submission.idempotencyKey = idempotencyKey;
      submissions.push(submission);
      if (answer.ok) {
        const { job_id: jobId } = JSON.parse(bytes.toString("utf8")) as { job_id: string };
        submission.jobId = jobId;
        const jobs = jobsByPrompt.get(prompt) ?? new Set<string>();
        jobs.add(jobId);
        jobsByPrompt.set(prompt, jobs);
      }
      await options.hold?.(submission);
    }
    const replyHeaders: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      if (!["content-length", "transfer-encoding", "connection", "content-encoding"].includes(name))
        replyHeaders[name] = value;
    });
    response.writeHead(answer.status, replyHeaders);
    response.end(bytes);
  }
  const server = createServer((request, response) => {
    forward(request, response).catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    jobsByPrompt,
    counts,
    submissions,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
