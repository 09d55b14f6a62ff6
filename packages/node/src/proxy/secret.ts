import { ProxyConfigurationError } from "./errors";
import { env } from "./upstream";

const minimumSecretLength = 32;

/** The key job ids are sealed with: a string, or one made on first use (see {@link processSecret}). */
export type SecretSource = string | (() => string);

/** What decides a proxy's secret, from its options. */
export interface SecretOptions {
  secret: string | undefined;
  /** Whether the proxy forwards at all (`authorize` or `allowAnonymous`). */
  opensDoor: boolean;
  /** Whether it forwards for anonymous callers only (`allowAnonymous` without `authorize`). */
  anonymousOnly: boolean;
}

/**
 * The secret a proxy binds job ids with: `secret`, else `DECART_PROXY_SECRET`. A proxy open to anonymous
 * callers only (local development) may have neither: it gets a random secret of this process, and the
 * server is warned once that several instances need a shared one. A proxy with `authorize` must have one.
 */
export function resolveSecret(options: SecretOptions): SecretSource {
  const given = options.secret ?? env("DECART_PROXY_SECRET");
  if (given === undefined && options.anonymousOnly) {
    warnRandomSecret();
    return processSecret;
  }
  const secret = given ?? "";
  if (options.opensDoor && secret.length < minimumSecretLength) {
    throw new ProxyConfigurationError(
      `The proxy needs a secret of ${minimumSecretLength}+ characters to bind job ids to their user: pass secret or set DECART_PROXY_SECRET (random, the same on every instance)`,
    );
  }
  return secret;
}

let randomSecret: string | undefined;
let warned = false;

/**
 * One random secret for every proxy of this process, made the first time a job id is sealed or opened:
 * Workers allow no random values while a module loads, which is where handlers are often created.
 */
function processSecret(): string {
  if (randomSecret === undefined) {
    const bytes = crypto.getRandomValues(new Uint8Array(32));
    randomSecret = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  }
  return randomSecret;
}

function warnRandomSecret(): void {
  if (warned) return;
  warned = true;
  console.warn(
    "Decart proxy: no secret given, so job ids are bound with a random secret of this process; several instances of the app (or a restart) need one shared secret: pass secret or set DECART_PROXY_SECRET (32+ random characters)",
  );
}
