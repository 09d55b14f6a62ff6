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

/** A plain object or an array: compared member by member; any other object is compared by identity. */
function isPlain(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return Array.isArray(value) || prototype === Object.prototype || prototype === null;
}

/**
 * Whether two options values have the same shape: equal primitives, plain objects and arrays alike
 * member by member, and any two functions alike (the client calls them through the latest render's
 * options, see {@link throughLatest}), so inline `options={{ polling: { … }, plugins: [loggerPlugin()] }}`
 * keep one client across renders.
 */
function sameShape(left: unknown, right: unknown): boolean {
  if (typeof left === "function" || typeof right === "function")
    return typeof left === "function" && typeof right === "function";
  if (!isPlain(left) || !isPlain(right)) return Object.is(left, right);
  if (Array.isArray(left) !== Array.isArray(right)) return false;
  const keys = Object.keys(left);
  if (keys.length !== Object.keys(right).length) return false;
  return keys.every((key) => Object.hasOwn(right, key) && sameShape(left[key], right[key]));
}

function sameRecipe(left: ClientRecipe, right: ClientRecipe): boolean {
  if (left.source !== right.source) return false;
  if (left.source === "tokenUrl" && left.tokenUrl !== (right as typeof left).tokenUrl) return false;
  return sameShape(left.options, right.options);
}

/**
 * A copy of `value` (the options as first rendered, at `path` below them) in which each function calls
 * the one at the same place in the latest committed options, with that function's own object as `this`.
 */
function throughLatest(value: unknown, path: readonly PropertyKey[], latest: () => unknown): unknown {
  if (typeof value === "function") {
    const parentPath = path.slice(0, -1);
    const key = path.at(-1) as PropertyKey;
    return (...args: unknown[]) => {
      const parent = parentPath.reduce<unknown>(
        (node, step) => (node as Record<PropertyKey, unknown> | undefined)?.[step],
        latest(),
      ) as Record<PropertyKey, unknown> | undefined;
      const current = parent?.[key];
      return (typeof current === "function" ? current : value).apply(parent, args);
    };
  }
  if (!isPlain(value)) return value;
  if (Array.isArray(value)) return value.map((item, index) => throughLatest(item, [...path, index], latest));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, throughLatest(item, [...path, key], latest)]),
  );
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

/**
 * The latest `getToken`, `tokenRequest` and `options`, read when the client calls them rather than when
 * it is made.
 */
interface LatestTokenProps {
  getToken: ApiKeyProvider | undefined;
  tokenRequest: ClientTokenRequest | undefined;
  options: object | undefined;
}

function createFromRecipe(
  recipe: ClientRecipe,
  latest: { readonly current: LatestTokenProps },
  rendered: ApiKeyProvider | undefined,
): DecartClient {
  const options = throughLatest(recipe.options, [], () => latest.current.options) as DecartClientOptions;
  if (recipe.source === "options") return createDecartClient(options);
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
  return createDecartClient({ ...options, apiKey });
}

/**
 * The client of a {@link DecartProvider}: the one it was given, or one created from its props and created
 * again only when they change in a way that matters (`options` value by value, `tokenUrl`, or which of
 * them is used). `getToken`, `tokenRequest` and the functions in `options` (`fetch`, an `apiKey`
 * function, plugin hooks) are read from a ref, as of the last commit, so a new identity of any of them
 * never recreates the client.
 */
export function useProviderClient(props: DecartProviderProps): DecartClient {
  const latest = useRef<LatestTokenProps>({
    getToken: props.getToken,
    tokenRequest: props.tokenRequest,
    options: props.options,
  });
  useEffect(() => {
    latest.current = { getToken: props.getToken, tokenRequest: props.tokenRequest, options: props.options };
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
