/**
 * The paths of the API's client tokens and files, which Decart's own client (0.1.20) calls beside the
 * Process API. They are kept apart from {@link routes}: `matchRoute` and the Node proxy know only the
 * Process API's five routes, and a proxy does not forward these (minting a token needs the permanent key;
 * mint one on your server instead). Every id is URI-encoded.
 *
 * @example
 * ```ts
 * import { resourceRoutes } from "@decart/core/protocol";
 *
 * resourceRoutes.clientTokens; // "/v1/client/tokens"
 * resourceRoutes.file("file_abc123"); // "/v1/files/file_abc123"
 * ```
 */
export const resourceRoutes = {
  /** `POST /v1/client/tokens`: mints a client token (JSON body), answered with `{ apiKey, expiresAt, … }`. */
  clientTokens: "/v1/client/tokens",
  /** `POST /v1/files`: uploads a file (multipart `file`, `ttl_seconds`), answered with its reference. */
  files: "/v1/files",
  /**
   * `GET /v1/files/{id}` (the reference) and `DELETE /v1/files/{id}`.
   * @example
   * ```ts
   * import { resourceRoutes } from "@decart/core/protocol";
   * const path = resourceRoutes.file("file_abc123"); // "/v1/files/file_abc123"
   * ```
   */
  file: (id: string): string => `/v1/files/${encodeURIComponent(id)}`,
} as const;
