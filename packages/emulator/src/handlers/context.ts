import type { Catalog, Settings } from "../config/index";
import type { Engine } from "../engine/index";
import type { FileStore } from "../files/index";
import type { JobService, WorkQueue } from "../jobs/index";
import type { ClientKeys, TokenSigner } from "../tokens/index";

/** Everything a request handler works with, passed to it explicitly. */
export interface HandlerContext {
  readonly settings: Settings;
  readonly catalog: Catalog;
  readonly engine: Engine;
  readonly queue: WorkQueue;
  readonly jobs: JobService;
  /** The `ek_` keys minted by `POST /v1/client/tokens`. */
  readonly tokens: ClientKeys;
  /** Signs the client tokens' JWTs; its `jwks` is served at the JWKS route. */
  readonly signer: TokenSigner;
  /** The uploads of `/v1/files`. */
  readonly files: FileStore;
  /** The emulator's work folder: uploads go in subfolders of it, and it is kept out of error messages. */
  readonly workRoot: string;
  /** Sync requests in flight, aborted on close. */
  readonly syncRequests: Set<AbortController>;
}
