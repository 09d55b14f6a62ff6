import type { ReceivedFile, TestServer } from "@decart/test-server";

/** A file the fake files API keeps. */
export interface FakeFile {
  /** The reference it answers with. */
  reference: Record<string, unknown>;
  /** The bytes and name of the uploaded part. */
  part: ReceivedFile;
  /** The `ttl_seconds` the form carried, as sent. */
  ttl: string | undefined;
}

/** What the fake client tokens and files routes saw. */
export interface FakeResources {
  /** The parsed JSON body of each token request, in order. */
  tokenRequests: Array<Record<string, unknown>>;
  /** The files kept, by id; a delete removes one. */
  files: Map<string, FakeFile>;
}

const iso = (epochMs: number) => new Date(epochMs).toISOString();

/**
 * Routes the API's client tokens and files on the test server, answering as the API does: a token
 * request with an `ek_…` key whose `expiresAt` follows `expiresIn` (and a field the SDK does not know,
 * which must pass through); an upload with the reference of the `file` part (a 422 naming `file` when
 * there is none), after which `GET` and `DELETE /v1/files/{id}` read and remove it (404 once gone).
 */
export function routeResources(server: TestServer): FakeResources {
  const resources: FakeResources = { tokenRequests: [], files: new Map() };
  const notFound = { status: 404, body: { detail: "File not found", code: "FILE_NOT_FOUND" } };
  server.route("POST /v1/client/tokens", (request) => {
    const text = Buffer.from(request.body).toString("utf8");
    const options = JSON.parse(text === "" ? "{}" : text) as Record<string, unknown>;
    resources.tokenRequests.push(options);
    const count = resources.tokenRequests.length;
    const expiresIn = typeof options.expiresIn === "number" ? options.expiresIn : 60;
    const scoped = options.allowedModels !== undefined || options.allowedOrigins !== undefined;
    return {
      body: {
        apiKey: `ek_test_${count}`,
        token: `header.payload-${count}.signature`,
        expiresAt: iso(Date.now() + expiresIn * 1000),
        permissions: scoped ? { models: options.allowedModels, origins: options.allowedOrigins } : null,
        constraints: options.constraints ?? null,
        rotation: "a field the SDK does not know",
      },
    };
  });
  server.route("POST /v1/files", (request) => {
    const part = request.form?.get("file");
    if (!part || typeof part === "string") {
      return {
        status: 422,
        body: { detail: [{ loc: ["body", "file"], msg: "Field required", type: "missing" }] },
      };
    }
    const ttl = request.form?.get("ttl_seconds") as string | undefined;
    const id = `file_${resources.files.size + 1}`;
    const now = Date.now();
    const reference = {
      id,
      filename: part.name || null,
      mime_type: part.type || "application/octet-stream",
      size_bytes: part.size,
      created_at: iso(now),
      expires_at: ttl === "persistent" ? null : iso(now + Number(ttl ?? 86_400) * 1000),
    };
    resources.files.set(id, { reference, part, ttl });
    server.route(`GET /v1/files/${id}`, () => (resources.files.has(id) ? { body: reference } : notFound));
    server.route(`DELETE /v1/files/${id}`, () => (resources.files.delete(id) ? { status: 204 } : notFound));
    return { body: reference };
  });
  return resources;
}
