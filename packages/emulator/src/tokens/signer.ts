import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWTPayload, SignJWT } from "jose";

/**
 * One public key of a JSON Web Key Set: an Ed25519 key (`kty: "OKP"`, `crv: "Ed25519"`) that verifies
 * `EdDSA` signatures, named by its `kid` (the key's RFC 7638 thumbprint).
 *
 * @example
 * ```ts
 * import type { PublicJwk } from "@decart/emulator";
 * import { startEmulator } from "@decart/emulator";
 *
 * const emulator = await startEmulator();
 * const [key]: PublicJwk[] = emulator.jwks.keys;
 * console.log(key?.kty, key?.crv, key?.alg); // OKP Ed25519 EdDSA
 * await emulator.close();
 * ```
 */
export interface PublicJwk {
  /** The key type: `"OKP"` for an Ed25519 key. */
  readonly kty: string;
  /** The curve: `"Ed25519"`. */
  readonly crv: string;
  /** The public key, base64url-encoded. */
  readonly x: string;
  /** The key's id, which a token's JWT names in its `kid` header. */
  readonly kid: string;
  /** The signing algorithm. */
  readonly alg: "EdDSA";
  /** What the key is for: signatures. */
  readonly use: "sig";
}

/**
 * A JSON Web Key Set (RFC 7517): the emulator's public keys for client tokens' JWTs, as `emulator.jwks`
 * holds them and the JWKS route (ours) serves them.
 *
 * @example
 * ```ts
 * import { type JsonWebKeySet, startEmulator } from "@decart/emulator";
 *
 * const emulator = await startEmulator();
 * // The same keys the JWKS route (ours) serves, for `jose.createLocalJWKSet(emulator.jwks)`:
 * const served = (await (await fetch(`${emulator.url}/.well-known/jwks.json`)).json()) as JsonWebKeySet;
 * console.log(served.keys[0]?.kid === emulator.jwks.keys[0]?.kid); // true
 * await emulator.close();
 * ```
 */
export interface JsonWebKeySet {
  /** The public keys; the emulator has one per run. */
  readonly keys: PublicJwk[];
}

/** Signs client tokens' JWTs with one key pair and publishes its public half. */
export interface TokenSigner {
  /** The public keys that verify what {@link TokenSigner.sign} signs. */
  readonly jwks: JsonWebKeySet;
  /** A compact JWT of `claims`, signed with EdDSA (Ed25519), its header naming the key (`kid`). */
  sign(claims: JWTPayload): Promise<string>;
}

/**
 * A signer with a fresh Ed25519 key pair (one per emulator: tokens of an earlier run do not verify).
 * The key id is the public key's RFC 7638 thumbprint.
 */
export async function createTokenSigner(): Promise<TokenSigner> {
  const { privateKey, publicKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  const exported = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(exported);
  const jwk: PublicJwk = {
    kty: String(exported.kty),
    crv: String(exported.crv),
    x: String(exported.x),
    kid,
    alg: "EdDSA",
    use: "sig",
  };
  return {
    jwks: { keys: [jwk] },
    sign: (claims) =>
      new SignJWT(claims).setProtectedHeader({ alg: "EdDSA", typ: "JWT", kid }).sign(privateKey),
  };
}
