import { describe, expectTypeOf, test } from "vitest";
import type { DecartClientOptions } from "../client/index";
import type { ApiKeyGrant, ApiKeyProvider } from "./api-key";
import { isClientToken } from "./api-key";

describe("apiKey", () => {
  test("is a key or a provider of one, sync or async, with an optional expiry", () => {
    expectTypeOf<DecartClientOptions["apiKey"]>().toEqualTypeOf<string | ApiKeyProvider | undefined>();
    const options: DecartClientOptions[] = [
      { apiKey: "key" },
      { apiKey: () => "ek_1" },
      { apiKey: async () => "ek_1" },
      { apiKey: async () => ({ apiKey: "ek_1", expiresAt: "2025-01-01T00:00:00Z" }) },
      { apiKey: () => ({ apiKey: "ek_1", expiresAt: new Date() }) },
      { apiKey: async () => ({ apiKey: "ek_1", expiresAt: Date.now() + 60_000 }) },
      { apiKey: async () => ({ apiKey: "ek_1" }) },
    ];
    expectTypeOf(options).toBeArray();
    expectTypeOf<ApiKeyGrant>().toEqualTypeOf<
      string | { apiKey: string; expiresAt?: string | Date | number }
    >();
    // @ts-expect-error a provider returns a key, not a number
    const wrong: DecartClientOptions = { apiKey: async () => 42 };
    // @ts-expect-error the grant's key is apiKey
    const misnamed: DecartClientOptions = { apiKey: async () => ({ key: "ek_1" }) };
    expectTypeOf(isClientToken).toEqualTypeOf<(key: string) => boolean>();
    void wrong;
    void misnamed;
  });
});
