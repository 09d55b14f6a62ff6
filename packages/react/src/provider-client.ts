import {
  type ApiKeyGrant,
  type ApiKeyProvider,
  createDecartClient,
  type DecartClient,
  type DecartClientOptions,
} from "@decart/core";
import { useEffect, useRef } from "react";
import type { DecartProviderProps } from "./provider-props";
import { type ClientTokenRequest, fetchClientToken } from "./token-route";

/** What decides the client a provider creates: a new one only when one of these changes. */
type ClientRecipe =
  | { source: "options"; options: DecartClientOptions }
  | { source: "tokenUrl"; tokenUrl: string; options: object }
  | { source: "getToken"; options: object };

function shallowEqual(left: object, right: object): boolean {
  const leftKeys = Object.keys(left);
  if (leftKeys.length !== Object.keys(right).length) return false;
  return leftKeys.every((key) =>
    Object.is((left as Record<string, unknown>)[key], (right as Record<string, unknown>)[key]),
  );
}

function sameRecipe(left: ClientRecipe, right: ClientRecipe): boolean {
  if (left.source !== right.source) return false;
  if (left.source === "tokenUrl" && left.tokenUrl !== (right as typeof left).tokenUrl) return false;
  return shallowEqual(left.options, right.options);
}

function recipeOf(props: DecartProviderProps): ClientRecipe | undefined {
  if (props.tokenUrl !== undefined) {
    if (typeof props.tokenUrl !== "string" || props.tokenUrl.trim() === "") {
      throw new TypeError(
        "DecartProvider's tokenUrl must be the URL or path of your token route, such as /api/decart-token.",
      );
    }
    return { source: "tokenUrl", tokenUrl: props.tokenUrl, options: props.options ?? {} };
  }
  if (props.getToken !== undefined) return { source: "getToken", options: props.options ?? {} };
  if (props.options !== undefined) return { source: "options", options: props.options };
  return undefined;
}

/** The latest `getToken` and `tokenRequest`, read when the client asks for a key rather than when it is made. */
interface LatestTokenProps {
  getToken: ApiKeyProvider | undefined;
  tokenRequest: ClientTokenRequest | undefined;
}

function createFromRecipe(
  recipe: ClientRecipe,
  latest: { readonly current: LatestTokenProps },
  rendered: ApiKeyProvider | undefined,
): DecartClient {
  if (recipe.source === "options") return createDecartClient(recipe.options);
  let apiKey: ApiKeyProvider;
  if (recipe.source === "tokenUrl") {
    const { tokenUrl } = recipe;
    apiKey = () => fetchClientToken(tokenUrl, latest.current.tokenRequest);
  } else {
    // The function of the render that made this client, until a later commit brings a newer one.
    let getToken = rendered as ApiKeyProvider;
    apiKey = (): ApiKeyGrant | Promise<ApiKeyGrant> => {
      getToken = latest.current.getToken ?? getToken;
      return getToken();
    };
  }
  return createDecartClient({ ...(recipe.options as DecartClientOptions), apiKey });
}

/**
 * The client of a {@link DecartProvider}: the one it was given, or one created from its props and created
 * again only when they change in a way that matters (`options` key by key, `tokenUrl`, or which of them is
 * used). `getToken` and `tokenRequest` are kept in a ref, as of the last commit, so their identity never
 * recreates the client.
 */
export function useProviderClient(props: DecartProviderProps): DecartClient {
  const latest = useRef<LatestTokenProps>({ getToken: props.getToken, tokenRequest: props.tokenRequest });
  useEffect(() => {
    latest.current = { getToken: props.getToken, tokenRequest: props.tokenRequest };
  });
  const cache = useRef<{ recipe: ClientRecipe; client: DecartClient } | null>(null);
  if (props.client !== undefined) return props.client;
  const recipe = recipeOf(props);
  if (recipe === undefined) {
    throw new TypeError(
      "DecartProvider needs one of `client`, `options`, `tokenUrl` or `getToken`, such as " +
        '<DecartProvider tokenUrl="/api/decart-token"> or <DecartProvider options={{ proxy: "/api/decart" }}>.',
    );
  }
  if (cache.current === null || !sameRecipe(cache.current.recipe, recipe)) {
    cache.current = { recipe, client: createFromRecipe(recipe, latest, props.getToken) };
  }
  return cache.current.client;
}
