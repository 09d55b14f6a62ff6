import { mkdtempSync, openAsBlob, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { InvalidInputError, PermissionDeniedError, ProcessingError } from "../errors/index";
import { JPEG, MP4, PNG, routeResources, useTestClient } from "../test-support/index";

const { server, clientFor, fileField } = useTestClient();

describe("client.files", () => {
  test("upload sends the file as the multipart field `file` with the key, and resolves its reference", async () => {
    const resources = routeResources(server);
    const reference = await clientFor({ apiKey: "permanent-key" }).files.upload(
      new File([PNG], "portrait.png", { type: "image/png" }),
    );
    const [request] = server.requestsTo("POST /v1/files");
    expect(request?.headers["x-api-key"]).toBe("permanent-key");
    expect(request?.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
    const part = fileField(request ?? { form: undefined }, "file");
    expect({ name: part.name, type: part.type, bytes: part.bytes }).toEqual({
      name: "portrait.png",
      type: "image/png",
      bytes: PNG,
    });
    expect([...(request?.form?.keys() ?? [])]).toEqual(["file"]);
    expect(reference).toEqual(resources.files.get("file_1")?.reference);
    expect(reference).toMatchObject({
      id: "file_1",
      filename: "portrait.png",
      mime_type: "image/png",
      size_bytes: PNG.byteLength,
    });
  });

  test("upload takes what a process() file field takes: bytes, a stream, a URL to download", async () => {
    routeResources(server);
    server.route("GET /assets/clip.mp4", { body: MP4, type: "video/mp4" });
    const client = clientFor();
    const inputs: Array<[unknown, { name: string; type: string }]> = [
      [JPEG, { name: "file.jpg", type: "image/jpeg" }],
      [JPEG.buffer.slice(0), { name: "file.jpg", type: "image/jpeg" }],
      [new Blob([MP4]).stream(), { name: "file.mp4", type: "video/mp4" }],
      [`${server.url}/assets/clip.mp4`, { name: "clip.mp4", type: "video/mp4" }],
    ];
    for (const [input, expected] of inputs) {
      const reference = await client.files.upload(input as Blob);
      expect({ name: reference.filename, type: reference.mime_type }).toEqual(expected);
    }
    // The URL was downloaded without the key.
    expect(server.requestsTo("GET /assets/clip.mp4")[0]?.headers["x-api-key"]).toBeUndefined();
  });

  test("a large file-backed Blob (as fileFromPath gives) is streamed from disk with its length", async () => {
    const resources = routeResources(server);
    const directory = mkdtempSync(join(tmpdir(), "decart-files-"));
    try {
      const bytes = new Uint8Array(2 ** 20 + 7).map((_, index) => index % 253);
      const path = join(directory, "clip.mp4");
      writeFileSync(path, bytes);
      const blob = await openAsBlob(path, { type: "video/mp4" });
      const reference = await clientFor().files.upload(blob, { ttlSeconds: 600 });
      const [request] = server.requestsTo("POST /v1/files");
      expect(request?.headers["transfer-encoding"]).toBeUndefined();
      expect(Number(request?.headers["content-length"])).toBe(request?.body.byteLength);
      const part = resources.files.get(reference.id)?.part;
      expect(part?.size).toBe(bytes.byteLength);
      expect(Buffer.from(part?.bytes ?? []).equals(Buffer.from(bytes))).toBe(true);
      expect(request?.form?.get("ttl_seconds")).toBe("600");
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  test.each([
    [60, "60"],
    [2_592_000, "2592000"],
    ["persistent", "persistent"],
  ] as const)("ttlSeconds %s is sent as ttl_seconds=%s", async (ttlSeconds, sent) => {
    const resources = routeResources(server);
    const reference = await clientFor().files.upload(PNG, { ttlSeconds });
    expect(resources.files.get(reference.id)?.ttl).toBe(sent);
    if (ttlSeconds === "persistent") expect(reference.expires_at).toBeNull();
  });

  test.each([59, 2_592_001, 1.5, -1, Number.NaN, "3600", "forever", null])(
    "ttlSeconds %s is an InvalidInputError naming ttlSeconds, before any request",
    async (ttlSeconds) => {
      routeResources(server);
      const error = await clientFor()
        .files.upload(PNG, { ttlSeconds: ttlSeconds as number })
        .catch((caught) => caught);
      expect(error).toBeInstanceOf(InvalidInputError);
      expect(error.message).toMatch(
        /^Invalid inputs for client\.files\.upload: ttlSeconds must be a whole number of seconds from 60 to 2592000 \(30 days\), or "persistent"/,
      );
      expect(error.issues.map((issue: { field: string }) => issue.field)).toEqual(["ttlSeconds"]);
      expect(server.requests).toHaveLength(0);
    },
  );

  test("a missing or unusable file is an InvalidInputError naming file, before any request", async () => {
    for (const file of [undefined, 42, "not a url"]) {
      const error = await clientFor()
        .files.upload(file as never)
        .catch((caught) => caught);
      expect(error).toBeInstanceOf(InvalidInputError);
      expect(error.message).toMatch(/^Invalid inputs for client\.files\.upload: file must be a Blob, File/);
    }
    expect(server.requests).toHaveLength(0);
  });

  test("get reads a reference, delete removes it; then both answer 404", async () => {
    routeResources(server);
    const client = clientFor();
    const uploaded = await client.files.upload(PNG);
    expect(await client.files.get(uploaded.id)).toEqual(uploaded);
    expect(await client.files.delete(uploaded.id)).toBeUndefined();
    expect(server.requestsTo(`DELETE /v1/files/${uploaded.id}`)[0]?.headers["x-api-key"]).toBe("test-key");
    for (const call of [() => client.files.get(uploaded.id), () => client.files.delete(uploaded.id)]) {
      const error = await call().catch((caught) => caught);
      expect(error).toBeInstanceOf(ProcessingError);
      expect(error).toMatchObject({ status: 404, code: "FILE_NOT_FOUND" });
      expect(error.message).toMatch(/File not found/);
    }
    // A 404 is not retried, and a delete never is.
    expect(server.requestsTo(`GET /v1/files/${uploaded.id}`)).toHaveLength(2);
    expect(server.requestsTo(`DELETE /v1/files/${uploaded.id}`)).toHaveLength(2);
  });

  test("ids are URI-encoded in the path; a blank id is an InvalidInputError naming id", async () => {
    server.route("GET /v1/files/a%2Fb%20c", { body: { id: "a/b c", filename: null } });
    expect((await clientFor().files.get("a/b c")).id).toBe("a/b c");
    for (const call of [
      () => clientFor().files.get(" "),
      () => clientFor().files.delete(undefined as never),
    ]) {
      const error = await call().catch((caught) => caught);
      expect(error).toBeInstanceOf(InvalidInputError);
      expect(error.issues).toEqual([
        { field: "id", message: expect.stringMatching(/^id must be a file id/) },
      ]);
    }
  });

  test(".withResponse() on each call gives the request id and status", async () => {
    routeResources(server);
    const client = clientFor();
    const upload = await client.files.upload(PNG).withResponse();
    expect(upload).toMatchObject({ status: 200, requestId: expect.stringMatching(/^req_\d+$/) });
    expect((await client.files.get(upload.data.id).withResponse()).data).toEqual(upload.data);
    const deleted = await client.files.delete(upload.data.id).withResponse();
    expect(deleted).toMatchObject({ status: 204, data: undefined });
  });

  test("a reply without an id is a ProcessingError; unknown fields pass through", async () => {
    server.route("GET /v1/files/file_x", { body: { filename: "x" } });
    const error = await clientFor()
      .files.get("file_x")
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(ProcessingError);
    expect(error.code).toBe("UNREADABLE_RESPONSE");
    expect(error.message).toBe("The reply to GET /v1/files/file_x has no id");
    server.route("GET /v1/files/file_y", { body: { id: "file_y", checksum: "sha256:abc" } });
    expect(await clientFor().files.get("file_y")).toEqual({ id: "file_y", checksum: "sha256:abc" });
  });

  test("a 403 for a client token's scope is a PermissionDeniedError saying so", async () => {
    server.route("POST /v1/files", {
      status: 403,
      body: { detail: "Origin not allowed", code: "ORIGIN_NOT_ALLOWED" },
    });
    const error = await clientFor({ apiKey: "ek_token" })
      .files.upload(PNG)
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect(error.code).toBe("ORIGIN_NOT_ALLOWED");
    expect(error.message).toMatch(
      /^The client token does not allow this request \(HTTP 403\): Origin not allowed/,
    );
  });

  test("an abort during the upload rejects with the signal's reason", async () => {
    server.route("POST /v1/files", { stall: true });
    const controller = new AbortController();
    const pending = clientFor()
      .files.upload(PNG, { signal: controller.signal })
      .catch((caught) => caught);
    await server.waitFor((request) => request.path === "/v1/files");
    controller.abort();
    expect((await pending).name).toBe("AbortError");
  });
});
