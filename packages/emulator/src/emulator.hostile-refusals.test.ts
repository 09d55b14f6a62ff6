import { mkdtemp, readdir, rm } from "node:fs/promises";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readErrorBody } from "@decart/core/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "./emulator";
import { normalRequest, postHead, quickEngine, rawExchange } from "./test-support/index";

/** A multipart body of `size` bytes (one file part for lucy-pro-i2i's `data`). */
function bigForm(size: number): FormData {
  const form = new FormData();
  form.set("prompt", "A lake");
  form.set("data", new Blob([new Uint8Array(size)], { type: "image/png" }), "a.png");
  return form;
}

/** Sends a `size`-byte upload without reading anything until it is all sent, then reads the answer. */
function uploadThenRead(emulator: Emulator, key: string, size: number) {
  const body = Buffer.alloc(size, 7);
  const head = postHead(
    emulator,
    "/v1/generate/lucy-pro-i2i",
    {
      "content-type": "multipart/form-data; boundary=zz",
      "content-length": body.length,
      connection: "close",
    },
    key,
  );
  return rawExchange(
    emulator,
    async (write) => {
      await write(head);
      for (let offset = 0; offset < body.length; offset += 256 * 1024) {
        await write(body.subarray(offset, offset + 256 * 1024));
      }
    },
    { readAfterSending: true },
  );
}

describe("hostile clients: refusals the client can read", () => {
  let emulator: Emulator;
  let workDir: string;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), "emulator-hostile-"));
    emulator = await startEmulator({
      apiKey: "hostile-key",
      engine: quickEngine(),
      limits: { workDir, maxUploadBytes: 8 * 1024 * 1024 },
    });
  });
  afterAll(async () => {
    await emulator.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it("a missing or wrong key is 401, and a wrong key with a large body still gets its 401 read", async () => {
    const missing = await fetch(`${emulator.url}/v1/health`);
    expect(missing.status).toBe(401);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      const response = await fetch(`${emulator.url}/v1/generate/lucy-pro-i2i`, {
        method: "POST",
        headers: { "x-api-key": "wrong-key" },
        body: bigForm(12 * 1024 * 1024),
      });
      statuses.push(response.status);
      expect(readErrorBody(await response.text(), "application/json").code).toBe("INVALID_API_KEY");
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401]);
    // A client that reads nothing until its upload is sent still finds the 401 waiting.
    expect((await uploadThenRead(emulator, "wrong-key", 12 * 1024 * 1024)).status).toBe(401);
    expect((await normalRequest(emulator)).status).toBe(200);
  });

  it("an upload past the limit is 413 and the client reads it while still sending", async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const response = await fetch(`${emulator.url}/v1/generate/lucy-pro-i2i`, {
        method: "POST",
        headers: { "x-api-key": emulator.apiKey },
        body: bigForm(12 * 1024 * 1024),
      });
      expect(response.status).toBe(413);
      expect(readErrorBody(await response.text(), "application/json").code).toBe("PAYLOAD_TOO_LARGE");
    }
    expect((await uploadThenRead(emulator, emulator.apiKey, 12 * 1024 * 1024)).status).toBe(413);
    expect((await normalRequest(emulator)).status).toBe(200);
  });

  it("path traversal in job ids and model names finds nothing and reads no file", async () => {
    const paths = [
      "/v1/jobs/..%2F..%2F..%2Fetc%2Fpasswd",
      "/v1/jobs/../../../etc/passwd",
      "/v1/jobs/%2e%2e%2fresults/content",
      "/v1/jobs/job_..%2f..%2fresults/content",
      "/v1/jobs/%00/content",
    ];
    for (const path of paths) {
      const answer = await rawExchange(emulator, (write) => {
        write(
          `GET ${path} HTTP/1.1\r\nhost: x\r\nx-api-key: ${emulator.apiKey}\r\nconnection: close\r\n\r\n`,
        );
      });
      expect([400, 404]).toContain(answer.status);
      expect(answer.body).not.toContain("root:");
    }
    for (const model of ["..%2F..%2Fetc", "%2e%2e", "lucy-pro-t2i%2F..%2F..", "__proto__", "constructor"]) {
      const answer = await rawExchange(emulator, (write) => {
        write(postHead(emulator, `/v1/generate/${model}`, { "content-length": 0, connection: "close" }));
      });
      expect(answer.status).toBe(404);
      expect(readErrorBody(answer.body, "application/json").code).toMatch(/NOT_FOUND/);
    }
    const [root] = await readdir(workDir);
    expect(await readdir(join(workDir, root!))).toEqual(["results"]);
    expect((await normalRequest(emulator)).status).toBe(200);
  });

  it("headers past Node's limit are 431 in the JSON shape", async () => {
    const answer = await rawExchange(emulator, (write) => {
      write(
        `GET /v1/health HTTP/1.1\r\nhost: x\r\nx-api-key: ${emulator.apiKey}\r\nx-pad: ${"a".repeat(20_000)}\r\n\r\n`,
      );
    });
    expect(answer.status).toBe(431);
    expect(readErrorBody(answer.body, "application/json").code).toBe("HEADERS_TOO_LARGE");
    expect((await normalRequest(emulator)).status).toBe(200);
  });

  it("a flood of 200 wrong-key uploads gets 200 readable 401s, then normal service", async () => {
    const answers = await Promise.all(
      Array.from({ length: 200 }, () =>
        fetch(`${emulator.url}/v1/generate/lucy-pro-i2i`, {
          method: "POST",
          headers: { "x-api-key": "wrong-key" },
          body: bigForm(64 * 1024),
        }).then(
          (response) => response.status,
          (error: Error) => error.message,
        ),
      ),
    );
    expect(answers.filter((status) => status !== 401)).toEqual([]);
    expect((await normalRequest(emulator)).status).toBe(200);
  });

  it("a flood of 100 idle connections leaves room for a normal request", async () => {
    const sockets: Socket[] = await Promise.all(
      Array.from(
        { length: 100 },
        () =>
          new Promise<Socket>((resolve) => {
            const socket = connect(emulator.port, "127.0.0.1", () => resolve(socket));
            socket.on("error", () => {});
          }),
      ),
    );
    try {
      expect((await normalRequest(emulator)).status).toBe(200);
    } finally {
      for (const socket of sockets) socket.destroy();
    }
  });
});

describe("hostile clients: a full queue", () => {
  it("answers 429 with Retry-After to an upload sent while the queue is full, and the client reads it", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const emulator = await startEmulator({
      engine: quickEngine(gate),
      limits: { maxConcurrentJobs: 1, maxQueuedJobs: 0 },
    });
    try {
      // Kept as a promise that cannot reject unhandled if the test fails before awaiting it.
      const busy = normalRequest(emulator).catch((error: unknown) => error);
      await expect
        .poll(
          async () =>
            (
              await (
                await fetch(`${emulator.url}/v1/health`, { headers: { "x-api-key": emulator.apiKey } })
              ).json()
            ).active,
          { timeout: 10_000 },
        )
        .toBe(1);
      for (let attempt = 0; attempt < 4; attempt++) {
        const response = await fetch(`${emulator.url}/v1/generate/lucy-pro-i2i`, {
          method: "POST",
          headers: { "x-api-key": emulator.apiKey },
          body: bigForm(12 * 1024 * 1024),
        });
        expect(response.status).toBe(429);
        expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
        await response.text();
      }
      expect((await uploadThenRead(emulator, emulator.apiKey, 12 * 1024 * 1024)).status).toBe(429);
      release();
      expect(await busy).toMatchObject({ status: 200 });
      expect((await normalRequest(emulator)).status).toBe(200);
    } finally {
      release();
      await emulator.close();
    }
  });
});
