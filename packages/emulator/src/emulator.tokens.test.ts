import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors as joseErrors,
  jwtVerify,
} from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "./emulator";
import { quickEngine, sleep } from "./test-support/index";

interface Minted {
  apiKey: string;
  token: string;
  expiresAt: string;
  permissions: { models?: string[]; origins?: string[] } | null;
  constraints: { realtime?: { maxSessionDuration?: number } } | null;
}

interface Issue {
  type: string;
  loc: Array<string | number>;
  msg: string;
  input: unknown;
}

/** `POST /v1/client/tokens` as 0.1.20 sends it: JSON, the key in X-API-KEY. */
const mintRaw = (emulator: Emulator, body: unknown, key = emulator.apiKey, text?: string) =>
  fetch(`${emulator.url}/v1/client/tokens`, {
    method: "POST",
    headers: { "x-api-key": key, "content-type": "application/json" },
    body: text ?? JSON.stringify(body),
  });

async function mint(emulator: Emulator, body: unknown = {}): Promise<Minted> {
  const response = await mintRaw(emulator, body);
  expect(response.status).toBe(200);
  return (await response.json()) as Minted;
}

/** The `detail` issues of a 422. */
async function issuesOf(response: Response): Promise<Issue[]> {
  expect(response.status).toBe(422);
  const body = (await response.json()) as { detail: Issue[] };
  expect(Array.isArray(body.detail)).toBe(true);
  return body.detail;
}

/** A detail string of an error answer, checked to be one. */
async function detailOf(response: Response, status: number): Promise<string> {
  expect(response.status).toBe(status);
  const body = (await response.json()) as { detail: unknown };
  expect(typeof body.detail).toBe("string");
  return body.detail as string;
}

const imageForm = () => {
  const form = new FormData();
  form.set("prompt", "A lighthouse at dawn");
  form.set("seed", "7");
  return form;
};

describe("client tokens (POST /v1/client/tokens)", () => {
  let emulator: Emulator;
  const withKey = (key: string, path: string, init: RequestInit = {}) =>
    fetch(`${emulator.url}${path}`, { ...init, headers: { "x-api-key": key, ...init.headers } });

  beforeAll(async () => {
    emulator = await startEmulator({ engine: quickEngine() });
  });
  afterAll(async () => {
    await emulator.close();
  });

  it("mints an ek_ key with the defaults: 60 seconds, no permissions, no constraints", async () => {
    const before = Date.now();
    const minted = await mint(emulator);
    expect(Object.keys(minted)).toEqual(["apiKey", "token", "expiresAt", "permissions", "constraints"]);
    expect(minted.apiKey).toMatch(/^ek_[\w-]{20,}$/);
    expect(minted.token.split(".")).toHaveLength(3);
    expect(minted.expiresAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    const expiresAt = Date.parse(minted.expiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 60_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 60_000);
    expect(minted.permissions).toBeNull();
    expect(minted.constraints).toBeNull();
  });

  it("mints with every option: permissions and constraints echoed, the expiry as asked", async () => {
    const before = Date.now();
    const minted = await mint(emulator, {
      metadata: { role: "viewer", user: { id: 7 } },
      expiresIn: 300,
      allowedModels: ["lucy-pro-t2i", "lucy-pro-t2v"],
      allowedOrigins: ["https://example.com", "http://localhost:5173"],
      constraints: { realtime: { maxSessionDuration: 120 } },
    });
    expect(minted.permissions).toEqual({
      models: ["lucy-pro-t2i", "lucy-pro-t2v"],
      origins: ["https://example.com", "http://localhost:5173"],
    });
    expect(minted.constraints).toEqual({ realtime: { maxSessionDuration: 120 } });
    expect(Date.parse(minted.expiresAt) - before).toBeGreaterThanOrEqual(300_000);
    expect(Date.parse(minted.expiresAt) - Date.now()).toBeLessThanOrEqual(300_000);
    // Only the restrictions asked for are in permissions; null fields count as absent.
    const onlyOrigins = await mint(emulator, {
      allowedOrigins: ["https://example.com"],
      allowedModels: null,
    });
    expect(onlyOrigins.permissions).toEqual({ origins: ["https://example.com"] });
  });

  it("signs a JWT mirroring the key, verified offline with jose against the JWKS route", async () => {
    const minted = await mint(emulator, {
      expiresIn: 120,
      allowedModels: ["lucy-pro-t2i"],
      allowedOrigins: ["https://example.com"],
      metadata: { role: "viewer" },
    });
    // The JWKS needs no key: jose fetches it as any verifier would.
    const jwks = createRemoteJWKSet(new URL(`${emulator.url}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(minted.token, jwks, {
      issuer: emulator.url,
      algorithms: ["EdDSA"],
    });
    expect(protectedHeader).toMatchObject({ alg: "EdDSA", typ: "JWT", kid: emulator.jwks.keys[0]?.kid });
    expect(payload.sub).toMatch(/^key_[0-9a-f]{24}$/);
    expect(payload.jti).toBe(payload.sub);
    expect(payload.sub).not.toContain(minted.apiKey);
    expect(payload.exp).toBe(Math.floor(Date.parse(minted.expiresAt) / 1000));
    expect(payload).toMatchObject({
      models: ["lucy-pro-t2i"],
      origins: ["https://example.com"],
      metadata: { role: "viewer" },
    });
    const served = await fetch(`${emulator.url}/.well-known/jwks.json`);
    expect(served.status).toBe(200);
    expect(await served.json()).toEqual(emulator.jwks);
    expect(emulator.jwks.keys).toEqual([
      expect.objectContaining({ kty: "OKP", crv: "Ed25519", alg: "EdDSA", use: "sig" }),
    ]);
    expect(JSON.stringify(emulator.jwks)).not.toMatch(/"d"/);
    // A token from another emulator (another key pair) does not verify here.
    const other = await startEmulator({ engine: quickEngine() });
    try {
      const foreign = await mint(other);
      expect(decodeProtectedHeader(foreign.token).kid).not.toBe(protectedHeader.kid);
      await expect(jwtVerify(foreign.token, createLocalJWKSet(emulator.jwks))).rejects.toThrow();
    } finally {
      await other.close();
    }
  });

  it("an ek_ key works on every Process API route, like the permanent key", async () => {
    const { apiKey } = await mint(emulator, { expiresIn: 600 });
    const image = await withKey(apiKey, "/v1/generate/lucy-pro-t2i", { method: "POST", body: imageForm() });
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/png");
    const submitted = await withKey(apiKey, "/v1/jobs/lucy-pro-t2v", { method: "POST", body: imageForm() });
    expect(submitted.status).toBe(200);
    const { job_id: jobId } = (await submitted.json()) as { job_id: string };
    await expect
      .poll(
        async () =>
          ((await (await withKey(apiKey, `/v1/jobs/${jobId}`)).json()) as { status: string }).status,
      )
      .toBe("completed");
    const content = await withKey(apiKey, `/v1/jobs/${jobId}/content`);
    expect(content.status).toBe(200);
    expect(await content.text()).toBe("lucy-pro-t2v|A lighthouse at dawn|7");
    expect((await withKey(apiKey, "/v1/health")).status).toBe(200);
  });

  it("only the permanent key mints: an ek_ key gets 403 with a detail", async () => {
    const { apiKey } = await mint(emulator);
    const detail = await detailOf(await mintRaw(emulator, {}, apiKey), 403);
    expect(detail).toMatch(/permanent API key/);
  });

  it("a key it never minted, or none, is 401 with a detail", async () => {
    expect(await detailOf(await withKey("ek_not-one-of-ours", "/v1/health"), 401)).toMatch(/X-API-KEY/);
    expect(await detailOf(await mintRaw(emulator, {}, "ek_not-one-of-ours"), 401)).toMatch(/X-API-KEY/);
    const none = await fetch(`${emulator.url}/v1/client/tokens`, { method: "POST", body: "{}" });
    expect(none.status).toBe(401);
  });

  it("an expired ek_ key is 401 with a detail; its JWT no longer verifies", async () => {
    const minted = await mint(emulator, { expiresIn: 1 });
    const submitted = await withKey(minted.apiKey, "/v1/jobs/lucy-pro-t2v", {
      method: "POST",
      body: imageForm(),
    });
    expect(submitted.status).toBe(200);
    const { job_id: jobId } = (await submitted.json()) as { job_id: string };
    await sleep(Math.max(0, Date.parse(minted.expiresAt) - Date.now()) + 50);
    for (const path of ["/v1/health", `/v1/jobs/${jobId}`, `/v1/jobs/${jobId}/content`]) {
      expect(await detailOf(await withKey(minted.apiKey, path), 401)).toMatch(/expired/);
    }
    expect(
      await detailOf(
        await withKey(minted.apiKey, "/v1/generate/lucy-pro-t2i", { method: "POST", body: imageForm() }),
        401,
      ),
    ).toMatch(/expired/);
    await expect(jwtVerify(minted.token, createLocalJWKSet(emulator.jwks))).rejects.toBeInstanceOf(
      joseErrors.JWTExpired,
    );
    // The job itself is unharmed: the permanent key still reads it.
    expect((await withKey(emulator.apiKey, `/v1/jobs/${jobId}`)).status).toBe(200);
  });

  it("allowedModels: another model is 403 on generate, submit and another model's job", async () => {
    const { apiKey } = await mint(emulator, { allowedModels: ["lucy-pro-t2i"] });
    expect(
      (await withKey(apiKey, "/v1/generate/lucy-pro-t2i", { method: "POST", body: imageForm() })).status,
    ).toBe(200);
    const refused = await withKey(apiKey, "/v1/generate/lucy-pro-i2i", { method: "POST", body: imageForm() });
    expect(await detailOf(refused, 403)).toMatch(/lucy-pro-i2i.*lucy-pro-t2i/);
    expect(
      await detailOf(
        await withKey(apiKey, "/v1/jobs/lucy-pro-t2v", { method: "POST", body: imageForm() }),
        403,
      ),
    ).toMatch(/lucy-pro-t2v/);
    // A lucy-pro-t2v job submitted with the permanent key is out of this key's reach too.
    const other = await withKey(emulator.apiKey, "/v1/jobs/lucy-pro-t2v", {
      method: "POST",
      body: imageForm(),
    });
    const { job_id: jobId } = (await other.json()) as { job_id: string };
    expect(await detailOf(await withKey(apiKey, `/v1/jobs/${jobId}`), 403)).toMatch(/lucy-pro-t2v/);
    expect((await withKey(apiKey, `/v1/jobs/${jobId}/content`)).status).toBe(403);
  });

  it("allowedOrigins: checked against Origin when one is sent", async () => {
    const { apiKey } = await mint(emulator, { allowedOrigins: ["https://app.example.com"] });
    const withOrigin = (origin?: string) =>
      withKey(apiKey, "/v1/generate/lucy-pro-t2i", {
        method: "POST",
        body: imageForm(),
        headers: origin === undefined ? {} : { origin },
      });
    expect((await withOrigin("https://app.example.com")).status).toBe(200);
    expect((await withOrigin()).status).toBe(200);
    expect(await detailOf(await withOrigin("https://evil.example.com"), 403)).toMatch(/evil\.example\.com/);
    // Matched verbatim: another port is another origin.
    expect((await withOrigin("https://app.example.com:8443")).status).toBe(403);
    // Every route, not only those with a model.
    expect(
      (await withKey(apiKey, "/v1/health", { headers: { origin: "https://evil.example.com" } })).status,
    ).toBe(403);
  });

  it("validates the body as pydantic would: 422 with a detail list naming each field", async () => {
    const single = async (body: unknown) => {
      const issues = await issuesOf(await mintRaw(emulator, body));
      expect(issues).toHaveLength(1);
      return issues[0];
    };
    expect(await single({ expiresIn: 0 })).toMatchObject({
      type: "greater_than_equal",
      loc: ["body", "expiresIn"],
      msg: "Input should be greater than or equal to 1",
      input: 0,
    });
    expect(await single({ expiresIn: 3601 })).toMatchObject({
      type: "less_than_equal",
      loc: ["body", "expiresIn"],
      msg: "Input should be less than or equal to 3600",
    });
    expect(await single({ expiresIn: "soon" })).toMatchObject({
      type: "int_parsing",
      loc: ["body", "expiresIn"],
    });
    expect(await single({ expiresIn: 1.5 })).toMatchObject({
      type: "int_from_float",
      loc: ["body", "expiresIn"],
    });
    expect(await single({ expiresIn: [60] })).toMatchObject({ type: "int_type", loc: ["body", "expiresIn"] });
    const models = Array.from({ length: 21 }, (_, index) => `model-${index}`);
    expect(await single({ allowedModels: models })).toMatchObject({
      type: "too_long",
      loc: ["body", "allowedModels"],
      msg: "List should have at most 20 items after validation, not 21",
    });
    expect(await single({ allowedModels: "lucy-pro-t2i" })).toMatchObject({
      type: "list_type",
      loc: ["body", "allowedModels"],
    });
    expect(await single({ allowedModels: ["lucy-pro-t2i", 7] })).toMatchObject({
      type: "string_type",
      loc: ["body", "allowedModels", 1],
    });
    const origins = Array.from({ length: 21 }, (_, index) => `https://site-${index}.example.com`);
    expect(await single({ allowedOrigins: origins })).toMatchObject({
      type: "too_long",
      loc: ["body", "allowedOrigins"],
    });
    for (const origin of [
      "https://example.com/",
      "https://example.com/app",
      "example.com",
      "ftp://example.com",
    ]) {
      expect(await single({ allowedOrigins: ["https://ok.example.com", origin] })).toMatchObject({
        type: "value_error",
        loc: ["body", "allowedOrigins", 1],
        input: origin,
      });
    }
    expect(await single({ metadata: "viewer" })).toMatchObject({
      type: "dict_type",
      loc: ["body", "metadata"],
    });
    expect(await single({ constraints: { realtime: { maxSessionDuration: "long" } } })).toMatchObject({
      type: "int_parsing",
      loc: ["body", "constraints", "realtime", "maxSessionDuration"],
    });
    expect(await single({ constraints: { realtime: { maxSessionDuration: 0 } } })).toMatchObject({
      type: "greater_than",
      loc: ["body", "constraints", "realtime", "maxSessionDuration"],
    });
    expect(await single({ constraints: 5 })).toMatchObject({ loc: ["body", "constraints"] });
    // Every problem at once, in the model's field order.
    const all = await issuesOf(
      await mintRaw(emulator, { expiresIn: 0, allowedModels: models, metadata: [] }),
    );
    expect(all.map((issue) => issue.loc.join("."))).toEqual([
      "body.metadata",
      "body.expiresIn",
      "body.allowedModels",
    ]);
    // The body itself: required, an object, valid JSON.
    expect(await issuesOf(await mintRaw(emulator, undefined, emulator.apiKey, ""))).toMatchObject([
      { type: "missing", loc: ["body"], msg: "Field required" },
    ]);
    expect(await issuesOf(await mintRaw(emulator, ["expiresIn"]))).toMatchObject([
      { type: "model_attributes_type", loc: ["body"] },
    ]);
    expect(
      await issuesOf(await mintRaw(emulator, undefined, emulator.apiKey, '{"expiresIn": ')),
    ).toMatchObject([{ type: "json_invalid", loc: ["body", expect.any(Number)], msg: "JSON decode error" }]);
    // Numbers as text pass, as pydantic's lax mode reads them; unknown fields are ignored.
    expect((await mintRaw(emulator, { expiresIn: "120", somethingElse: true })).status).toBe(200);
  });

  it("an oversized body is 413", async () => {
    const response = await mintRaw(emulator, { metadata: { blob: "x".repeat(100_000) } });
    expect(await detailOf(response, 413)).toMatch(/larger/);
  });
});

describe("client tokens in strict mode (extensions off)", () => {
  let strict: Emulator;
  beforeAll(async () => {
    strict = await startEmulator({ engine: quickEngine(), extensions: false });
  });
  afterAll(async () => {
    await strict.close();
  });

  it("mints and honours ek_ keys; the JWKS route (ours) is absent, emulator.jwks still verifies", async () => {
    const minted = await mint(strict, { allowedModels: ["lucy-pro-t2i"] });
    const image = await fetch(`${strict.url}/v1/generate/lucy-pro-t2i`, {
      method: "POST",
      headers: { "x-api-key": minted.apiKey },
      body: imageForm(),
    });
    expect(image.status).toBe(200);
    const jwks = await fetch(`${strict.url}/.well-known/jwks.json`, {
      headers: { "x-api-key": strict.apiKey },
    });
    expect(jwks.status).toBe(404);
    expect(await jwks.json()).toEqual({ detail: "Not Found" });
    expect((await fetch(`${strict.url}/.well-known/jwks.json`)).status).toBe(401);
    const { payload } = await jwtVerify(minted.token, createLocalJWKSet(strict.jwks));
    expect(payload.models).toEqual(["lucy-pro-t2i"]);
  });

  it("errors are exactly { detail }: a 422 list, a 403", async () => {
    const invalid = await mintRaw(strict, { expiresIn: 0 });
    expect(invalid.status).toBe(422);
    expect(Object.keys((await invalid.json()) as object)).toEqual(["detail"]);
    const { apiKey } = await mint(strict);
    const forbidden = await mintRaw(strict, {}, apiKey);
    expect(forbidden.status).toBe(403);
    expect(Object.keys((await forbidden.json()) as object)).toEqual(["detail"]);
  });
});

describe("client token lifetimes with timeScale (ours)", () => {
  it("timeScale shortens a token's life; expiresAt reports the scaled instant", async () => {
    const emulator = await startEmulator({ engine: quickEngine(), timeScale: 0.1 });
    try {
      const before = Date.now();
      const minted = await mint(emulator, { expiresIn: 2 });
      expect(Date.parse(minted.expiresAt) - before).toBeLessThanOrEqual(250);
      const health = () => fetch(`${emulator.url}/v1/health`, { headers: { "x-api-key": minted.apiKey } });
      expect((await health()).status).toBe(200);
      await sleep(300);
      expect((await health()).status).toBe(401);
    } finally {
      await emulator.close();
    }
  });

  it("refuses a timeScale that is not a positive number", async () => {
    await expect(startEmulator({ timeScale: 0 })).rejects.toThrow(/timeScale/);
    await expect(startEmulator({ timeScale: Number.NaN })).rejects.toThrow(/timeScale/);
  });
});
