import { createHash, randomBytes } from "node:crypto";
import { HttpError, quote } from "../http/index";
import type { TokenSigner } from "./signer";
import type { TokenConstraints, TokenRequest } from "./token-request";

/** A short-lived `ek_` key minted by `POST /v1/client/tokens`, and what it may do. */
export interface ClientKey {
  /** The key's id: the `sub` and `jti` of its JWT (never the key itself). */
  readonly id: string;
  /** When it stops working, in epoch milliseconds. */
  readonly expiresAt: number;
  /** The only models it may use; `undefined` for any. */
  readonly allowedModels: readonly string[] | undefined;
  /** The only `Origin`s it may be sent from; `undefined` for any. */
  readonly allowedOrigins: readonly string[] | undefined;
}

/** The 200 answer of `POST /v1/client/tokens`, as 0.1.20 reads it. */
export interface MintedToken {
  readonly apiKey: string;
  readonly token: string;
  readonly expiresAt: string;
  readonly permissions: { readonly models?: readonly string[]; readonly origins?: readonly string[] } | null;
  readonly constraints: TokenConstraints | null;
}

/** What {@link ClientKeys} works with. */
export interface ClientKeysOptions {
  readonly signer: TokenSigner;
  /** The JWTs' `iss`: the emulator's base URL, known once it listens. */
  readonly issuer: () => string;
  /** Multiplies every lifetime (ours, for tests): 0.01 makes a 60-second key last 0.6 s. */
  readonly timeScale: number;
  /** The clock. @default Date.now */
  readonly now?: () => number;
}

/** How long an expired key is still told apart from an unknown one (an "expired" 401 rather than "wrong"). */
const rememberExpiredMs = 60 * 60 * 1000;

const digest = (key: string): string => createHash("sha256").update(key, "utf8").digest("hex");

/**
 * The client keys an emulator minted, looked up by a digest of the key (never kept in the clear). Keys
 * that expired more than an hour ago are forgotten at the next mint, so the map stays as small as the
 * keys in use; no timer runs.
 */
export class ClientKeys {
  private readonly keys = new Map<string, ClientKey>();
  private readonly now: () => number;

  constructor(private readonly options: ClientKeysOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Mints a key for `request`: the `ek_` key, its signed JWT mirroring it, and the wire answer. */
  async mint(request: TokenRequest): Promise<MintedToken> {
    const now = this.now();
    this.forgetExpired(now);
    const apiKey = `ek_${randomBytes(24).toString("base64url")}`;
    const key: ClientKey = {
      id: `key_${randomBytes(12).toString("hex")}`,
      expiresAt: now + request.expiresIn * 1000 * this.options.timeScale,
      allowedModels: request.allowedModels,
      allowedOrigins: request.allowedOrigins,
    };
    const token = await this.options.signer.sign({
      iss: this.options.issuer(),
      sub: key.id,
      jti: key.id,
      iat: Math.floor(now / 1000),
      // Never later than the key itself.
      exp: Math.floor(key.expiresAt / 1000),
      ...(key.allowedModels ? { models: [...key.allowedModels] } : {}),
      ...(key.allowedOrigins ? { origins: [...key.allowedOrigins] } : {}),
      ...(request.metadata ? { metadata: request.metadata } : {}),
      ...(request.constraints ? { constraints: request.constraints } : {}),
    });
    this.keys.set(digest(apiKey), key);
    const permissions =
      key.allowedModels || key.allowedOrigins
        ? {
            ...(key.allowedModels ? { models: key.allowedModels } : {}),
            ...(key.allowedOrigins ? { origins: key.allowedOrigins } : {}),
          }
        : null;
    return {
      apiKey,
      token,
      expiresAt: new Date(key.expiresAt).toISOString(),
      permissions,
      constraints: request.constraints ?? null,
    };
  }

  /**
   * The client key `apiKey` names, if it is one of ours and still valid. Throws the 401
   * `TOKEN_EXPIRED` for an expired one; `undefined` for a key never minted here (the caller's 401).
   */
  find(apiKey: string): ClientKey | undefined {
    const key = this.keys.get(digest(apiKey));
    if (!key) return undefined;
    if (this.now() >= key.expiresAt) {
      throw new HttpError(
        401,
        "TOKEN_EXPIRED",
        `This client token expired at ${new Date(key.expiresAt).toISOString()}; mint a new one with POST /v1/client/tokens`,
      );
    }
    return key;
  }

  private forgetExpired(now: number): void {
    for (const [hash, key] of this.keys) {
      if (now - key.expiresAt >= rememberExpiredMs) this.keys.delete(hash);
    }
  }
}

/** Throws the 403 `MODEL_NOT_ALLOWED` when `key` may not use `model`. */
export function assertModelAllowed(key: ClientKey, model: string): void {
  if (!key.allowedModels || key.allowedModels.includes(model)) return;
  throw new HttpError(
    403,
    "MODEL_NOT_ALLOWED",
    `This client token may not use ${quote(model)}; it allows ${key.allowedModels.join(", ")}`,
  );
}

/** Throws the 403 `ORIGIN_NOT_ALLOWED` when the request's `Origin` is sent and not one `key` allows. */
export function assertOriginAllowed(key: ClientKey, origin: string | undefined): void {
  if (!key.allowedOrigins || origin === undefined || key.allowedOrigins.includes(origin)) return;
  throw new HttpError(
    403,
    "ORIGIN_NOT_ALLOWED",
    `This client token may not be used from the origin ${quote(origin)}; it allows ${key.allowedOrigins.join(", ")}`,
  );
}

/** The 403 for a client key on a route that needs the permanent key (minting tokens). */
export const permanentKeyRequired = (): HttpError =>
  new HttpError(
    403,
    "PERMANENT_KEY_REQUIRED",
    "A client token cannot mint client tokens; send your permanent API key in X-API-KEY",
  );
