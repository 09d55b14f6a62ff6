import type { ApiKeyProvider, DecartClient } from "@decart/core";
import { createElement } from "react";
import { describe, expectTypeOf, it } from "vitest";
import type { ClientTokenRequest } from "./index";
import { DecartProvider } from "./provider";
import type { DecartProviderProps, TokenClientOptions } from "./provider-props";

declare const client: DecartClient;
const getToken = async () => ({ apiKey: "ek_1", expiresAt: "2030-01-01T00:00:00Z" });

describe("DecartProvider props", () => {
  it("take a client, options, a tokenUrl or a getToken", () => {
    expectTypeOf<{ client: DecartClient }>().toExtend<DecartProviderProps>();
    expectTypeOf<{ options: { proxy: string } }>().toExtend<DecartProviderProps>();
    expectTypeOf<{ tokenUrl: string }>().toExtend<DecartProviderProps>();
    expectTypeOf<{
      tokenUrl: string;
      tokenRequest: ClientTokenRequest;
      options: { baseUrl: string; integration: string };
    }>().toExtend<DecartProviderProps>();
    expectTypeOf<{ getToken: ApiKeyProvider }>().toExtend<DecartProviderProps>();
    expectTypeOf<{ getToken: () => string; options: TokenClientOptions }>().toExtend<DecartProviderProps>();
    expectTypeOf<{ getToken: typeof getToken }>().toExtend<DecartProviderProps>();
    expectTypeOf<ClientTokenRequest>().toEqualTypeOf<{ allowedModels?: string[]; expiresIn?: number }>();
  });

  it("refuse contradictory combinations", () => {
    expectTypeOf<{ client: DecartClient; options: { proxy: string } }>().not.toExtend<DecartProviderProps>();
    expectTypeOf<{ tokenUrl: string; getToken: ApiKeyProvider }>().not.toExtend<DecartProviderProps>();
    expectTypeOf<{ tokenUrl: string; client: DecartClient }>().not.toExtend<DecartProviderProps>();
    expectTypeOf<{ getToken: ApiKeyProvider; client: DecartClient }>().not.toExtend<DecartProviderProps>();
    // The key and the proxy are what a token replaces.
    expectTypeOf<{ tokenUrl: string; options: { apiKey: string } }>().not.toExtend<DecartProviderProps>();
    expectTypeOf<{ tokenUrl: string; options: { proxy: string } }>().not.toExtend<DecartProviderProps>();
    expectTypeOf<{
      getToken: ApiKeyProvider;
      options: { apiKey: string };
    }>().not.toExtend<DecartProviderProps>();
    expectTypeOf<{
      getToken: ApiKeyProvider;
      options: { dangerouslyAllowBrowser: true };
    }>().not.toExtend<DecartProviderProps>();
    // tokenRequest is what tokenUrl sends: it means nothing elsewhere.
    expectTypeOf<{
      getToken: ApiKeyProvider;
      tokenRequest: ClientTokenRequest;
    }>().not.toExtend<DecartProviderProps>();
    expectTypeOf<{
      options: { proxy: string };
      tokenRequest: ClientTokenRequest;
    }>().not.toExtend<DecartProviderProps>();
    expectTypeOf<{ children: null }>().not.toExtend<DecartProviderProps>();
  });

  it("are checked where they are written", () => {
    createElement(DecartProvider, { tokenUrl: "/api/decart-token" });
    createElement(DecartProvider, { getToken, options: { baseUrl: "https://api.decart.ai" } });
    createElement(DecartProvider, { client });
    // @ts-expect-error a tokenUrl or a getToken, not both
    createElement(DecartProvider, { tokenUrl: "/api/decart-token", getToken });
    // @ts-expect-error the token is the key
    createElement(DecartProvider, { tokenUrl: "/api/decart-token", options: { apiKey: "dk_live" } });
    // @ts-expect-error getToken returns a key or { apiKey, expiresAt }
    createElement(DecartProvider, { getToken: async () => ({ token: "ek_1" }) });
    // @ts-expect-error allowedModels is a list of names
    createElement(DecartProvider, { tokenUrl: "/t", tokenRequest: { allowedModels: "lucy-pro-t2i" } });
    const props: DecartProviderProps = { tokenUrl: "/api/decart-token" };
    expectTypeOf(DecartProvider).parameter(0).toEqualTypeOf<DecartProviderProps>();
    void props;
  });
});
