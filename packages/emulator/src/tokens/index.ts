/**
 * Client tokens: the body of `POST /v1/client/tokens` validated as pydantic would, the short-lived
 * `ek_` keys minted from it (looked up by digest, expiring, scoped to models and origins), and the
 * Ed25519 signer of the JWT that mirrors each key, with the public JWKS. It imports `http/`.
 */
export {
  assertModelAllowed,
  assertOriginAllowed,
  type ClientKey,
  ClientKeys,
  type ClientKeysOptions,
  type MintedToken,
  permanentKeyRequired,
} from "./client-keys";
export { createTokenSigner, type JsonWebKeySet, type PublicJwk, type TokenSigner } from "./signer";
export { parseTokenRequest, type TokenConstraints, type TokenRequest, tokenLimits } from "./token-request";
