/**
 * Binds job ids to the subject that created them, with no shared state: the browser gets
 * `base64url(realId) + "." + base64url(HMAC-SHA256(secret, subject, realId))`, and every job route opens it
 * again for the subject making the request. Web Crypto only, so it runs in Node, Workers, Deno and Bun.
 */
export interface JobIdSealer {
  /** The proxy-scoped id of `jobId` for `subject`. */
  seal(jobId: string, subject: string): Promise<string>;
  /** The real id behind `scopedId` when it was sealed for `subject` under this secret, else `undefined`. */
  open(scopedId: string, subject: string): Promise<string | undefined>;
}

const encoder = new TextEncoder();
const base64url = /^[A-Za-z0-9_-]+$/;

/** `secret` is the key, or makes it on first use (a random secret of the process). */
export function createJobIdSealer(secret: string | (() => string)): JobIdSealer {
  let key: Promise<CryptoKey> | undefined;
  const getKey = () => {
    key ??= importKey(typeof secret === "function" ? secret() : secret);
    return key;
  };
  // The real id comes last and cannot contain NUL, so no two (subject, id) pairs share a message.
  const message = (jobId: string, subject: string) =>
    encoder.encode(`decart-proxy-job\0${subject}\0${jobId}`);
  return {
    async seal(jobId, subject) {
      const mac = await crypto.subtle.sign("HMAC", await getKey(), message(jobId, subject));
      return `${toBase64url(encoder.encode(jobId))}.${toBase64url(new Uint8Array(mac))}`;
    },
    async open(scopedId, subject) {
      const [encodedId, encodedMac, ...extra] = scopedId.split(".");
      if (extra.length > 0 || !encodedId || !encodedMac) return undefined;
      if (!base64url.test(encodedId) || !base64url.test(encodedMac)) return undefined;
      let jobId: string;
      let mac: Uint8Array<ArrayBuffer>;
      try {
        jobId = new TextDecoder("utf-8", { fatal: true }).decode(fromBase64url(encodedId));
        mac = fromBase64url(encodedMac);
      } catch {
        return undefined;
      }
      if (jobId === "" || jobId.includes("\0")) return undefined;
      const valid = await crypto.subtle.verify("HMAC", await getKey(), mac, message(jobId, subject));
      return valid ? jobId : undefined;
    },
  };
}

function importKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
    "verify",
  ]);
}

function toBase64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}
