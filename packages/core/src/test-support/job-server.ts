import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { MP4, PNG } from "./models";

/** A job as the fake queue keeps it. */
export interface FakeJob {
  id: string;
  prompt: string;
  status: "pending" | "completed" | "failed" | "cancelled";
  idempotencyKey: string | undefined;
}

/** Knobs of the fake queue, changeable between (and during) tests. */
export interface FakeQueueControls {
  /** Answer the next this-many submissions with 429 and this `Retry-After` (seconds). */
  refuse: { count: number; retryAfter: string | undefined };
  /** Jobs with this prompt stay pending until cancelled. */
  holdPrompt: string;
  /** Jobs with this prompt fail. */
  failPrompt: string;
}

/**
 * A loopback job queue for the batch tests: every job completes on its first status check unless its
 * prompt says otherwise; it records submissions, honours `Idempotency-Key` and serves cancel.
 */
export async function startJobServer() {
  const jobs = new Map<string, FakeJob>();
  const byKey = new Map<string, FakeJob>();
  const controls: FakeQueueControls = {
    refuse: { count: 0, retryAfter: undefined },
    holdPrompt: "hold",
    failPrompt: "fail",
  };
  const counters = { generates: 0, submits: 0, refused: 0, cancels: 0, inFlightPeak: 0, inFlight: 0 };
  const send = (
    response: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    response.writeHead(status, { "content-type": "application/json", ...headers });
    response.end(JSON.stringify(body));
  };
  const view = (job: FakeJob) => ({ job_id: job.id, status: job.status });
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const url = new URL(request.url ?? "/", "http://x");
    if (url.pathname.startsWith("/v1/generate/")) {
      counters.generates++;
      response.writeHead(200, { "content-type": "image/png" });
      return response.end(PNG);
    }
    const parts = url.pathname.split("/").slice(3).map(decodeURIComponent);
    if (request.method === "POST" && parts.length === 1) {
      counters.submits++;
      if (controls.refuse.count > 0) {
        controls.refuse.count--;
        counters.refused++;
        const headers: Record<string, string> = controls.refuse.retryAfter
          ? { "retry-after": controls.refuse.retryAfter }
          : {};
        return send(response, 429, { detail: "Too many requests" }, headers);
      }
      const key = request.headers["idempotency-key"] as string | undefined;
      const earlier = key ? byKey.get(key) : undefined;
      if (earlier) return send(response, 200, view(earlier));
      const prompt =
        /name="prompt"\r\n\r\n([^\r]*)/.exec(Buffer.concat(chunks).toString("latin1"))?.[1] ?? "";
      const job: FakeJob = { id: `job_${jobs.size + 1}`, prompt, status: "pending", idempotencyKey: key };
      jobs.set(job.id, job);
      if (key) byKey.set(key, job);
      counters.inFlight++;
      counters.inFlightPeak = Math.max(counters.inFlightPeak, counters.inFlight);
      return send(response, 200, view(job));
    }
    const job = jobs.get(parts[0] ?? "");
    if (!job) return send(response, 404, { detail: "No such job" });
    if (request.method === "POST" && parts[1] === "cancel") {
      counters.cancels++;
      if (job.status === "pending") {
        job.status = "cancelled";
        counters.inFlight--;
      }
      return send(response, 200, view(job));
    }
    if (parts[1] === "content") {
      response.writeHead(200, { "content-type": "video/mp4" });
      return response.end(MP4);
    }
    if (job.status === "pending" && job.prompt !== controls.holdPrompt) {
      job.status = job.prompt === controls.failPrompt ? "failed" : "completed";
      counters.inFlight--;
    }
    return send(response, 200, view(job));
  };
  const server = createServer((request, response) => {
    handle(request, response).catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    jobs,
    controls,
    counters,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
