import { createHash, timingSafeEqual } from "node:crypto";

const digest = (value: string): Buffer => createHash("sha256").update(value, "utf8").digest();

/**
 * Returns a check of the `X-API-KEY` header against `apiKey` that takes the same time whatever the
 * header holds: both sides are hashed to equal-length digests before a constant-time comparison.
 */
export function createKeyCheck(apiKey: string): (header: string | string[] | undefined) => boolean {
  const expected = digest(apiKey);
  return (header) => {
    const given = typeof header === "string" ? header : "";
    // Always compare, even for a missing header, so the timing does not tell the two apart.
    const equal = timingSafeEqual(digest(given), expected);
    return equal && given.length > 0;
  };
}
