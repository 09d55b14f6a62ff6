import { mkdtempSync, openAsBlob, rmSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { InvalidInputError, ProcessingError } from "../errors/index";
import { JPEG, MP4, PNG, testVideoModel, useTestClient } from "../test-support/index";

const { server, clientFor, routeJob, fileField } = useTestClient();

describe("file inputs", () => {
  test("each input kind becomes a file part with a MIME type and filename", async () => {
    server.route("GET /assets/cat.webp", {
      body: new Uint8Array([0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x45, 0x42, 0x50]),
      type: "image/webp",
    });
    routeJob("job-files", { status: "completed" });
    const client = clientFor();
    const cases: Array<[unknown, { name: string; type: string; bytes?: Uint8Array }]> = [
      [
        new File([JPEG], "photo.jpg", { type: "image/jpeg" }),
        { name: "photo.jpg", type: "image/jpeg", bytes: JPEG },
      ],
      [new Blob([PNG], { type: "image/png" }), { name: "data.png", type: "image/png", bytes: PNG }],
      [new Blob([MP4]), { name: "data.mp4", type: "video/mp4", bytes: MP4 }],
      [PNG.buffer.slice(0), { name: "data.png", type: "image/png", bytes: PNG }],
      [JPEG, { name: "data.jpg", type: "image/jpeg", bytes: JPEG }],
      [new Blob([MP4]).stream(), { name: "data.mp4", type: "video/mp4", bytes: MP4 }],
      [new URL(`${server.url}/assets/cat.webp`), { name: "cat.webp", type: "image/webp" }],
      [`${server.url}/assets/cat.webp`, { name: "cat.webp", type: "image/webp" }],
      [new Uint8Array([1, 2, 3]), { name: "data.bin", type: "application/octet-stream" }],
    ];
    for (const [input, expected] of cases) {
      server.requests.length = 0;
      await client.process({ model: testVideoModel, prompt: "x", data: input as Blob });
      const part = fileField(server.requestsTo("POST /v1/jobs/test-i2v")[0] ?? { form: undefined }, "data");
      expect({ name: part.name, type: part.type }).toEqual({ name: expected.name, type: expected.type });
      if (expected.bytes) expect(part.bytes).toEqual(expected.bytes);
    }
    // URL inputs are downloaded without the API key.
    const download = server.requestsTo("GET /assets/cat.webp")[0];
    expect(download?.headers["x-api-key"]).toBeUndefined();
  });

  test("a large file upload is a fixed-length body, streamed or (with a custom fetch) a Blob", async () => {
    routeJob("job-length", { status: "completed" });
    // Over 1 MB, so that in Node without a custom fetch the body is the SDK's own multipart stream.
    const bytes = new Uint8Array(2 ** 20 + 3).map((_, index) => index % 251);
    const data = new File([bytes], 'clip "a".mp4', { type: "video/mp4" });
    const forms = [];
    for (const fetch of [
      undefined,
      (input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init),
    ]) {
      server.requests.length = 0;
      await clientFor({ fetch }).process({ model: testVideoModel, prompt: "a\nb", data });
      const submit = server.requestsTo("POST /v1/jobs/test-i2v")[0];
      expect(submit?.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=----decart-/);
      expect(submit?.headers["transfer-encoding"]).toBeUndefined();
      expect(Number(submit?.headers["content-length"])).toBe(submit?.body.byteLength);
      forms.push(submit?.form);
    }
    // Bytes are compared as Buffers: vitest's element-wise toEqual of two 1 MiB arrays blocks the event
    // loop for seconds, long enough for the server's keep-alive timer to close sockets under the next test.
    for (const form of forms) {
      const { bytes: received, ...part } = fileField({ form }, "data");
      expect(part).toEqual({ name: 'clip "a".mp4', type: "video/mp4", size: bytes.byteLength });
      expect(Buffer.from(received).equals(Buffer.from(bytes))).toBe(true);
      expect(form?.get("prompt")).toBe("a\nb");
    }
    expect([...(forms[0]?.keys() ?? [])]).toEqual([...(forms[1]?.keys() ?? [])]);
  });

  test("a file-backed Blob whose file is gone by the upload is a ProcessingError naming the read failure, and no job is made", async () => {
    // A model of its own: a half-sent request may reach the server after this test ended.
    const model = {
      ...testVideoModel,
      endpoints: { ...testVideoModel.endpoints, jobs: "/v1/jobs/test-gone" },
    };
    server.route("POST /v1/jobs/test-gone", { body: { job_id: "job-gone", status: "completed" } });
    const directory = mkdtempSync(join(tmpdir(), "decart-gone-"));
    const path = join(directory, "clip.mp4");
    writeFileSync(path, MP4);
    const data = await openAsBlob(path, { type: "video/mp4" });
    rmSync(directory, { recursive: true });
    const error = await clientFor()
      .process({ model, prompt: "x", data })
      .catch((caught) => caught);
    // The runtime could not read the file: a ProcessingError that says so (not an unexplained code).
    expect(error).toBeInstanceOf(ProcessingError);
    expect(error.message).toMatch(/failed before a response arrived: NotReadableError: /);
    expect(server.requestsTo("POST /v1/jobs/test-gone").filter((request) => !request.aborted)).toHaveLength(
      0,
    );
  });

  test("start and end travel as two parts", async () => {
    routeJob("job-flf", { status: "completed" });
    await clientFor().process({
      model: testVideoModel,
      prompt: "x",
      start: new Blob([PNG]),
      end: new Blob([JPEG]),
    });
    const submit = server.requestsTo("POST /v1/jobs/test-i2v")[0] ?? { form: undefined };
    expect(fileField(submit, "start").type).toBe("image/png");
    expect(fileField(submit, "end").type).toBe("image/jpeg");
  });

  test("a URL input named in a legacy encoding keeps its name as spelled", async () => {
    routeJob("job-latin", { status: "completed" });
    server.route("GET /caf%E9.png", { body: PNG, type: "image/png" });
    await clientFor().process({ model: testVideoModel, prompt: "x", data: `${server.url}/caf%E9.png` });
    const part = fileField(server.requestsTo("POST /v1/jobs/test-i2v")[0] ?? { form: undefined }, "data");
    expect(part.name).toBe("caf%E9.png");
  });

  test("an unreachable URL input is an InvalidInputError naming the field, before any API call", async () => {
    const error = await clientFor()
      .process({ model: testVideoModel, prompt: "x", data: `${server.url}/missing.png` })
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toMatch(/^Invalid inputs for test-i2v: data could not be downloaded/);
    // Not there (404): the input is wrong as given, and another try will not change that.
    expect(error.retryable).toBe(false);
    expect(server.requestsTo("POST /v1/jobs/test-i2v")).toHaveLength(0);
  });

  test("a URL input its server cannot give now (503, 429) or at all (a refused connection) may be tried again", async () => {
    server.route("GET /busy.png", { status: 503, body: "busy" });
    server.route("GET /limited.png", { status: 429, body: "slow down" });
    const closed = await new Promise<string>((resolve) => {
      const probe = createServer();
      probe.listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(`http://127.0.0.1:${port}/gone.png`));
      });
    });
    for (const [url, detail] of [
      [`${server.url}/busy.png`, " (HTTP 503)"],
      [`${server.url}/limited.png`, " (HTTP 429)"],
      [closed, ""],
    ] as const) {
      const error = await clientFor()
        .process({ model: testVideoModel, prompt: "x", data: url })
        .catch((caught) => caught);
      expect(error).toBeInstanceOf(InvalidInputError);
      expect(error.message).toBe(
        `Invalid inputs for test-i2v: data could not be downloaded from ${url}${detail}`,
      );
      expect(error.retryable).toBe(true);
    }
    expect(server.requestsTo("POST /v1/jobs/test-i2v")).toHaveLength(0);
  });
});
