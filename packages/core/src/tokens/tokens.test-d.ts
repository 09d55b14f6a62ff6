import { describe, expectTypeOf, test } from "vitest";
import type { DecartClient } from "../client/index";
import type { APIPromise, APIResponse } from "../response/index";
import type { ClientToken, CreateTokenOptions, TokenConstraints } from "./tokens";

declare const client: DecartClient;

describe("client.tokens.create", () => {
  test("takes optional options and returns an APIPromise of the token", async () => {
    expectTypeOf(client.tokens.create()).toEqualTypeOf<APIPromise<ClientToken>>();
    const pending = client.tokens.create({
      metadata: { userId: "u1", nested: { deep: true } },
      expiresIn: 300,
      allowedModels: ["lucy-pro-t2i"],
      allowedOrigins: ["https://example.com"],
      constraints: { realtime: { maxSessionDuration: 120 } },
      signal: AbortSignal.timeout(1_000),
    });
    expectTypeOf(pending).toExtend<Promise<ClientToken>>();
    const token = await pending;
    expectTypeOf(token.apiKey).toEqualTypeOf<string>();
    expectTypeOf(token.token).toEqualTypeOf<string | undefined>();
    expectTypeOf(token.expiresAt).toEqualTypeOf<string>();
    expectTypeOf(token.permissions).toEqualTypeOf<
      { models?: string[]; origins?: string[] } | null | undefined
    >();
    expectTypeOf(token.constraints).toEqualTypeOf<TokenConstraints | null | undefined>();
  });

  test(".withResponse() resolves the token with the response's metadata", async () => {
    const response = await client.tokens.create().withResponse();
    expectTypeOf(response).toEqualTypeOf<APIResponse<ClientToken>>();
    expectTypeOf(response.data).toEqualTypeOf<ClientToken>();
    expectTypeOf(response.requestId).toEqualTypeOf<string | undefined>();
    expectTypeOf(response.status).toEqualTypeOf<number>();
    expectTypeOf(response.headers).toEqualTypeOf<Headers>();
  });

  test("wrong option types are type errors", () => {
    // @ts-expect-error expiresIn is a number of seconds
    client.tokens.create({ expiresIn: "60" });
    // @ts-expect-error allowedModels is a list
    client.tokens.create({ allowedModels: "lucy-pro-t2i" });
    // @ts-expect-error misspelled option
    client.tokens.create({ expires_in: 60 });
    expectTypeOf<CreateTokenOptions["constraints"]>().toEqualTypeOf<TokenConstraints | undefined>();
  });
});
