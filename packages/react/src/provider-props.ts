import type { ApiKeyProvider, DecartClient, DecartClientOptions } from "@decart/core";
import type { ReactNode } from "react";
import type { ClientTokenRequest } from "./token-route";

/**
 * Options of the client {@link DecartProvider} creates around a client token (with `tokenUrl` or
 * `getToken`): every option of `createDecartClient` except those the token replaces, the key and `proxy`.
 * `dangerouslyAllowBrowser` is left out too: a token route hands out `ek_` keys, never a permanent one.
 *
 * @example
 * ```ts
 * import type { TokenClientOptions } from "@decart/react";
 *
 * const options: TokenClientOptions = { integration: "my-app/1.0", timeout: 30_000 };
 * ```
 */
export type TokenClientOptions = Omit<DecartClientOptions, "apiKey" | "proxy" | "dangerouslyAllowBrowser"> & {
  /** Not allowed here: the key comes from `tokenUrl` or `getToken`. */
  apiKey?: never;
  /** Not allowed here: with a client token the page calls the API itself, not through a proxy. */
  proxy?: never;
  /** Not allowed here: a client token needs no flag, and a permanent key has no place in a page. */
  dangerouslyAllowBrowser?: never;
};

/** What every form of the props shares. */
interface ProviderChildren {
  /** The part of the tree whose hooks use this provider's client. */
  children?: ReactNode;
}

/** Where the client of a {@link DecartProvider} comes from: exactly one of these is set. */
interface NoOtherSource {
  client?: never;
  options?: never;
  tokenUrl?: never;
  getToken?: never;
  tokenRequest?: never;
}

/**
 * Props of {@link DecartProvider}, one of four forms: a ready `client`; `options` to create one; a
 * `tokenUrl` to fetch client tokens from; or a `getToken` function returning them. TypeScript refuses
 * a mix (a `client` with `options`, a `tokenUrl` with `getToken`, a key or `proxy` beside a token source).
 *
 * @example
 * ```ts
 * import type { DecartProviderProps } from "@decart/react";
 *
 * const throughProxy: DecartProviderProps = { options: { proxy: "/api/decart" } };
 * const withTokens: DecartProviderProps = { tokenUrl: "/api/decart-token" };
 * ```
 */
export type DecartProviderProps = ProviderChildren &
  (
    | (Omit<NoOtherSource, "client"> & {
        /** The client the hooks below use. */
        client: DecartClient;
      })
    | (Omit<NoOtherSource, "options"> & {
        /**
         * Options for `createDecartClient`. The client is created once and created again only when a
         * value changes (nested objects and arrays compared value by value; functions such as `fetch` or
         * plugin hooks are called as of the latest render, so a new identity never counts), so an inline
         * object literal is fine.
         */
        options: DecartClientOptions;
      })
    | (Omit<NoOtherSource, "tokenUrl" | "tokenRequest" | "options"> & {
        /**
         * Your token route (`createTokenHandler` from `@decart/node`), such as `/api/decart-token`. The
         * client POSTs to it when it first needs a key and again shortly before the key's `expiresAt` (or
         * after a 401), and calls the Decart API directly with the `ek_` key it answers. A route that
         * answers non-2xx, or without `apiKey`, fails the call with a typed SDK error naming its status.
         * The client is created again only when `tokenUrl` (or an option) changes.
         */
        tokenUrl: string;
        /**
         * What to ask of each token (sent as the POST's JSON body). The latest value is used.
         * @default nothing: the route's own models and lifetime
         */
        tokenRequest?: ClientTokenRequest;
        /** Options of the client, besides its key; compared value by value like `options`. */
        options?: TokenClientOptions;
      })
    | (Omit<NoOtherSource, "getToken" | "options"> & {
        /**
         * Your function returning a client token, `{ apiKey, expiresAt }` or the `ek_` key alone (as
         * `createDecartClient`'s `apiKey` function): for a token route that needs headers of its own, or
         * a token from elsewhere. It is called as `tokenUrl`'s request is; the latest function is used,
         * so an inline arrow is fine and a new identity never creates a new client.
         */
        getToken: ApiKeyProvider;
        /** Options of the client, besides its key; compared value by value like `options`. */
        options?: TokenClientOptions;
      })
  );
