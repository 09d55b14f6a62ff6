import type { ReceivedFile, TestServer } from "@decart/test-server";
import { createDecartClient, type DecartClient, type DecartClientOptions } from "../client/index";
import { MP4 } from "./models";
import { useTestServer } from "./server";

/** Polling and retry settings that keep a test's waits to milliseconds. */
export const fastOptions = {
  polling: { initialDelay: 0, interval: 5, maxInterval: 10 },
  retry: { limit: 2, baseDelay: 1, maxDelay: 5 },
} satisfies DecartClientOptions;

/** The file part a request carried under `name`; throws when it is missing or a plain field. */
export function fileField(
  request: { form: Map<string, string | ReceivedFile> | undefined },
  name: string,
): ReceivedFile {
  const value = request.form?.get(name);
  if (!value || typeof value === "string") throw new Error(`${name} is not a file part`);
  return value;
}

/** What a test file that calls the client through the loopback test server works with. */
export interface TestClient {
  server: TestServer;
  /** A client of the test server with {@link fastOptions}, overridden by `options`. */
  clientFor(options?: DecartClientOptions): DecartClient;
  /**
   * Routes a `test-i2v` submission to `jobId`, its status reads to `statuses` in turn (a completed job
   * when none are given), and its content to an MP4.
   */
  routeJob(jobId: string, ...statuses: object[]): void;
  fileField: typeof fileField;
}

/** A loopback test server for the calling test file (see {@link useTestServer}) and a client of it. */
export function useTestClient(): TestClient {
  const server = useTestServer();
  return {
    server,
    clientFor: (options = {}) =>
      createDecartClient({ apiKey: "test-key", baseUrl: server.url, ...fastOptions, ...options }),
    routeJob(jobId, ...statuses) {
      if (statuses.length === 0) statuses.push({ status: "completed" });
      server.route("POST /v1/jobs/test-i2v", { body: { job_id: jobId, status: "pending" } });
      server.route(
        `GET /v1/jobs/${jobId}`,
        ...statuses.map((body) => ({ body: { job_id: jobId, ...body } })),
      );
      server.route(`GET /v1/jobs/${jobId}/content`, { body: MP4, type: "video/mp4" });
    },
    fileField,
  };
}
