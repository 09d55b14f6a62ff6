import { access, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "./emulator";
import { multipart, quickEngine, sleep } from "./test-support/index";

interface FileReference {
  id: string;
  filename: string | null;
  mime_type: string;
  size_bytes: number;
  created_at: string;
  expires_at: string | null;
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

const iso = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** A `POST /v1/files` form as 0.1.20 builds it: the Blob under `file`, `ttl_seconds` as text when given. */
function uploadForm(content: string | Uint8Array, ttl?: string, filename = "notes.txt", type = "text/plain") {
  const form = new FormData();
  form.append("file", new Blob([content as BlobPart], { type }), filename);
  if (ttl !== undefined) form.append("ttl_seconds", ttl);
  return form;
}

/** An emulator with its own work folder, so a test can look at the stored bytes. */
async function startWithWorkDir(options: Parameters<typeof startEmulator>[0] = {}) {
  const workDir = await mkdtemp(join(tmpdir(), "emulator-files-"));
  const emulator = await startEmulator({
    engine: quickEngine(),
    ...options,
    limits: { ...options.limits, workDir },
  });
  const storedPath = async (id: string) => {
    const [root] = await readdir(workDir);
    return join(workDir, root ?? "", "files", id);
  };
  return { emulator, workDir, storedPath };
}

describe("files (/v1/files)", () => {
  let emulator: Emulator;
  let workDir: string;
  let storedPath: (id: string) => Promise<string>;
  const call = (path: string, init: RequestInit = {}, key = emulator.apiKey) =>
    fetch(`${emulator.url}${path}`, { ...init, headers: { "x-api-key": key, ...init.headers } });
  const upload = async (form: FormData, key = emulator.apiKey): Promise<FileReference> => {
    const response = await call("/v1/files", { method: "POST", body: form }, key);
    expect(response.status).toBe(200);
    return (await response.json()) as FileReference;
  };
  const issuesOf = async (response: Response) => {
    expect(response.status).toBe(422);
    return ((await response.json()) as { detail: Array<{ type: string; loc: unknown[]; msg: string }> })
      .detail;
  };

  beforeAll(async () => {
    ({ emulator, workDir, storedPath } = await startWithWorkDir({ limits: { maxUploadBytes: 64 * 1024 } }));
  });
  afterAll(async () => {
    await emulator.close();
    // Closing removed every stored file with the work folder.
    expect(await readdir(workDir)).toEqual([]);
    await rm(workDir, { recursive: true, force: true });
  });

  it("uploads with ttl_seconds: the FileReference, exactly, and the bytes kept", async () => {
    const before = Date.now();
    const reference = await upload(uploadForm("hello, files", "120"));
    expect(Object.keys(reference)).toEqual([
      "id",
      "filename",
      "mime_type",
      "size_bytes",
      "created_at",
      "expires_at",
    ]);
    expect(reference).toMatchObject({ filename: "notes.txt", mime_type: "text/plain", size_bytes: 12 });
    expect(reference.id).toMatch(/^file_[0-9a-f]{24}$/);
    expect(reference.created_at).toMatch(iso);
    expect(reference.expires_at).toMatch(iso);
    const created = Date.parse(reference.created_at);
    expect(created).toBeGreaterThanOrEqual(before - 1);
    expect(Date.parse(reference.expires_at ?? "") - created).toBe(120_000);
    expect(await readFile(await storedPath(reference.id), "utf8")).toBe("hello, files");
    const got = await call(`/v1/files/${reference.id}`);
    expect(got.status).toBe(200);
    expect(await got.json()).toEqual(reference);
  });

  it("persistent files never expire; without ttl_seconds a file lives 24 hours", async () => {
    const persistent = await upload(uploadForm("kept", "persistent"));
    expect(persistent.expires_at).toBeNull();
    const standard = await upload(uploadForm("a day"));
    expect(Date.parse(standard.expires_at ?? "") - Date.parse(standard.created_at)).toBe(24 * 60 * 60 * 1000);
    // The edges of the range are accepted; an empty ttl_seconds part is no value.
    expect((await upload(uploadForm("min", "60"))).expires_at).toMatch(iso);
    expect((await upload(uploadForm("max", "2592000"))).expires_at).toMatch(iso);
    const empty = await upload(uploadForm("empty ttl", ""));
    expect(Date.parse(empty.expires_at ?? "") - Date.parse(empty.created_at)).toBe(24 * 60 * 60 * 1000);
  });

  it("a part without a filename has filename null; an untyped Blob is application/octet-stream", async () => {
    const boundary = "files-boundary";
    const body = multipart(boundary, [
      [
        'Content-Disposition: form-data; name="file"\r\nContent-Type: application/octet-stream',
        Buffer.from([1, 2, 3]),
      ],
    ]);
    const response = await call("/v1/files", {
      method: "POST",
      headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
      body: new Uint8Array(body),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      filename: null,
      mime_type: "application/octet-stream",
      size_bytes: 3,
    });
    const blob = new FormData();
    blob.append("file", new Blob([new Uint8Array([9, 9])]));
    expect(await upload(blob)).toMatchObject({
      filename: "blob",
      mime_type: "application/octet-stream",
      size_bytes: 2,
    });
  });

  it("delete answers 204 without a body and removes the bytes from disk; then 404", async () => {
    const reference = await upload(uploadForm("short-lived", "600"));
    const path = await storedPath(reference.id);
    expect(await exists(path)).toBe(true);
    const deleted = await call(`/v1/files/${reference.id}`, { method: "DELETE" });
    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe("");
    expect(await exists(path)).toBe(false);
    const gone = await call(`/v1/files/${reference.id}`);
    expect(gone.status).toBe(404);
    expect(((await gone.json()) as { detail: string }).detail).toMatch(/No file "file_/);
    expect((await call(`/v1/files/${reference.id}`, { method: "DELETE" })).status).toBe(404);
  });

  it("an unknown id is 404 with a detail", async () => {
    for (const method of ["GET", "DELETE"]) {
      const response = await call("/v1/files/file_000000000000000000000000", { method });
      expect(response.status).toBe(404);
      expect(((await response.json()) as { detail: string }).detail).toMatch(
        /never existed, was deleted or expired/,
      );
    }
  });

  it("refuses a bad ttl_seconds with a 422 detail naming it", async () => {
    for (const ttl of ["59", "2592001", "0", "-60", "1.5", "an hour", "Persistent", "60s"]) {
      const issues = await issuesOf(await call("/v1/files", { method: "POST", body: uploadForm("x", ttl) }));
      expect(issues).toEqual([
        expect.objectContaining({ type: "value_error", loc: ["body", "ttl_seconds"] }),
      ]);
      expect(issues[0]?.msg).toMatch(/ttl_seconds must be an integer from 60 to 2592000 or "persistent"/);
    }
    // Nothing of a refused upload stays on disk.
    const [root] = await readdir(workDir);
    expect((await readdir(join(workDir, root ?? ""))).filter((name) => name.startsWith("upload-"))).toEqual(
      [],
    );
  });

  it("refuses a missing file, or text in its place, naming file; both problems at once", async () => {
    const none = new FormData();
    none.append("ttl_seconds", "120");
    expect(await issuesOf(await call("/v1/files", { method: "POST", body: none }))).toEqual([
      expect.objectContaining({ type: "missing", loc: ["body", "file"], msg: "Field required" }),
    ]);
    const text = new FormData();
    text.append("file", "not a file");
    text.append("ttl_seconds", "5");
    const issues = await issuesOf(await call("/v1/files", { method: "POST", body: text }));
    expect(issues.map((issue) => issue.loc)).toEqual([
      ["body", "file"],
      ["body", "ttl_seconds"],
    ]);
  });

  it("refuses an upload over the size limit with 413, as the other uploads", async () => {
    const response = await call("/v1/files", {
      method: "POST",
      body: uploadForm(new Uint8Array(100 * 1024)),
    });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { detail: string }).detail).toMatch(/larger than this server accepts/);
  });

  it("answers the wrong method with 405 and Allow", async () => {
    const list = await call("/v1/files");
    expect(list.status).toBe(405);
    expect(list.headers.get("allow")).toBe("POST");
    const put = await call("/v1/files/file_x", { method: "PUT" });
    expect(put.status).toBe(405);
    expect(put.headers.get("allow")).toBe("GET, DELETE");
  });

  it("needs a key: 401 without one; an ek_ client key works like the permanent key", async () => {
    expect((await fetch(`${emulator.url}/v1/files`, { method: "POST", body: uploadForm("x") })).status).toBe(
      401,
    );
    const minted = await call("/v1/client/tokens", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ allowedModels: ["lucy-pro-t2i"] }),
    });
    const { apiKey } = (await minted.json()) as { apiKey: string };
    const reference = await upload(uploadForm("from the browser", "300"), apiKey);
    expect((await call(`/v1/files/${reference.id}`, {}, apiKey)).status).toBe(200);
    expect((await call(`/v1/files/${reference.id}`, { method: "DELETE" }, apiKey)).status).toBe(204);
  });
});

describe("file expiry", () => {
  it("an expired file is 404 and its bytes leave the disk (timeScale, ours, shortens the TTL)", async () => {
    const { emulator, workDir, storedPath } = await startWithWorkDir({ timeScale: 0.01 });
    try {
      const call = (path: string, init: RequestInit = {}) =>
        fetch(`${emulator.url}${path}`, { ...init, headers: { "x-api-key": emulator.apiKey } });
      const uploaded = await call("/v1/files", { method: "POST", body: uploadForm("expiring", "60") });
      const reference = (await uploaded.json()) as FileReference;
      // 60 seconds at a hundredth of the time: 600 ms, and expires_at says so.
      expect(Date.parse(reference.expires_at ?? "") - Date.parse(reference.created_at)).toBe(600);
      const kept = (await (
        await call("/v1/files", { method: "POST", body: uploadForm("kept", "persistent") })
      ).json()) as FileReference;
      const path = await storedPath(reference.id);
      expect(await exists(path)).toBe(true);
      expect((await call(`/v1/files/${reference.id}`)).status).toBe(200);
      await sleep(Math.max(0, Date.parse(reference.expires_at ?? "") - Date.now()) + 20);
      expect((await call(`/v1/files/${reference.id}`)).status).toBe(404);
      await expect.poll(() => exists(path)).toBe(false);
      expect((await call(`/v1/files/${kept.id}`)).status).toBe(200);
      expect(await exists(await storedPath(kept.id))).toBe(true);
    } finally {
      await emulator.close();
    }
    expect(await readdir(workDir)).toEqual([]);
    await rm(workDir, { recursive: true, force: true });
  });

  it("the expiry timer removes a file nobody asks for again", async () => {
    const { emulator, workDir, storedPath } = await startWithWorkDir({ timeScale: 0.005 });
    try {
      const uploaded = await fetch(`${emulator.url}/v1/files`, {
        method: "POST",
        headers: { "x-api-key": emulator.apiKey },
        body: uploadForm("swept", "60"),
      });
      const reference = (await uploaded.json()) as FileReference;
      const path = await storedPath(reference.id);
      await expect.poll(() => exists(path), { timeout: 5_000 }).toBe(false);
    } finally {
      await emulator.close();
    }
    await rm(workDir, { recursive: true, force: true });
  });
});
