import { randomBytes } from "node:crypto";
import { type RecordedRequest, type Reply, startTestServer, type TestServer } from "@decart/test-server";

/** One mint the fake API answered, as it was asked. */
export interface MintCall {
  /** The `X-API-KEY` header the handler sent. */
  apiKey: string | undefined;
  contentType: string | undefined;
  /** The JSON body. */
  body: Record<string, unknown>;
}

/** A loopback stand-in for `POST /v1/client/tokens`, for the tests of the token handler. */
export interface TokenApi {
  /** `http://127.0.0.1:<port>`, the handler's `baseUrl`. */
  url: string;
  /** The permanent key it accepts. */
  apiKey: string;
  /** Every mint asked for, in order (answered or not). */
  calls: MintCall[];
  /** Answers the next mints with these replies (a 429, a 500, a reset…), then mints again. */
  fail(...replies: Reply[]): void;
  /** Forgets the calls and any scripted failures. */
  reset(): void;
  close(): Promise<void>;
}

const path = "POST /v1/client/tokens";

/** A fetch for a handler minting from a real server (the emulator) that records each mint on its way. */
export interface MintRecorder {
  /** Every request sent through `fetch`, in order; cleared with `calls.length = 0`. */
  calls: MintCall[];
  fetch: typeof fetch;
}

/** Records what a handler sends, passing every request on to the global fetch unchanged. */
export function recordMints(): MintRecorder {
  const calls: MintCall[] = [];
  return {
    calls,
    fetch: async (input, init) => {
      const request = new Request(input, init);
      const text = await request.clone().text();
      calls.push({
        apiKey: request.headers.get("x-api-key") ?? undefined,
        contentType: request.headers.get("content-type") ?? undefined,
        body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
      });
      return fetch(request);
    },
  };
}

/**
 * Starts the fake token API: it checks the key (401 otherwise), and answers a JSON body as the real API
 * does, `{ apiKey: "ek_…", token, expiresAt, permissions }`.
 */
export async function startTokenApi(
  apiKey = `dk_test_${randomBytes(12).toString("hex")}`,
): Promise<TokenApi> {
  const server: TestServer = await startTestServer();
  const calls: MintCall[] = [];
  const record = (request: RecordedRequest): MintCall => {
    const header = request.headers["x-api-key"];
    const type = request.headers["content-type"];
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(new TextDecoder().decode(request.body)) as Record<string, unknown>;
    } catch {}
    const call = {
      apiKey: typeof header === "string" ? header : undefined,
      contentType: typeof type === "string" ? type : undefined,
      body,
    };
    calls.push(call);
    return call;
  };
  const mint = (request: RecordedRequest): Reply => {
    const call = record(request);
    if (call.apiKey !== apiKey) return { status: 401, body: { detail: "Invalid API key" } };
    return { body: tokenFor(call.body) };
  };
  const route = (...faults: Reply[]) =>
    server.route(
      path,
      ...faults.map((fault) => (request: RecordedRequest) => {
        record(request);
        return fault;
      }),
      mint,
    );
  route();
  return {
    url: server.url,
    apiKey,
    calls,
    fail: (...replies) => route(...replies),
    reset: () => {
      calls.length = 0;
      route();
    },
    close: () => server.close(),
  };
}

function tokenFor(body: Record<string, unknown>) {
  const expiresIn = typeof body.expiresIn === "number" ? body.expiresIn : 60;
  const apiKey = `ek_${randomBytes(16).toString("hex")}`;
  const models = body.allowedModels as string[] | undefined;
  const origins = body.allowedOrigins as string[] | undefined;
  return {
    apiKey,
    token: `eyJhbGciOiJFUzI1NiJ9.${Buffer.from(JSON.stringify({ sub: apiKey })).toString("base64url")}.sig`,
    expiresAt: new Date(Date.now() + expiresIn * 1000).toISOString(),
    permissions: models || origins ? { models, origins } : null,
    constraints: null,
  };
}
