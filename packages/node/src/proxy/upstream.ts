import { InvalidAPIKeyError, InvalidBaseURLError } from "@decart/core";

/** Where a server-side handler reaches the Decart API, checked when the handler is created. */
export interface UpstreamSettings {
  /** The permanent API key; it never leaves the server. */
  apiKey: string;
  /** The API's origin (and optional path prefix), without a trailing slash. */
  baseUrl: string;
  fetch: typeof fetch;
}

/** The options every server-side handler shares for reaching the API. */
export interface UpstreamOptions {
  apiKey?: string | undefined;
  baseUrl?: string | undefined;
  fetch?: typeof fetch | undefined;
}

/** An environment variable, where the runtime has `process` (not in every Worker). */
export function env(name: string): string | undefined {
  return typeof process !== "undefined" ? process.env[name] : undefined;
}

/**
 * The key, base URL and fetch of a handler, with defaults (`DECART_API_KEY`, `https://api.decart.ai`,
 * the global fetch). `who` names the handler in the errors: "The proxy", "The token handler".
 */
export function upstreamSettings(options: UpstreamOptions, who: string): UpstreamSettings {
  const apiKey = options.apiKey ?? env("DECART_API_KEY");
  if (apiKey === undefined || apiKey.trim() === "") {
    throw new InvalidAPIKeyError(`${who} needs an API key: pass apiKey or set DECART_API_KEY`);
  }
  return {
    apiKey,
    baseUrl: parseBaseUrl(options.baseUrl ?? "https://api.decart.ai", who).href.replace(/\/+$/, ""),
    // Called as a method later: workerd's fetch refuses any `this` but the global one.
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
  };
}

function parseBaseUrl(value: string, who: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch (error) {
    throw new InvalidBaseURLError(`${who}'s baseUrl is not a URL: ${value}`, { cause: error });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new InvalidBaseURLError(`${who}'s baseUrl must be an http(s) URL: ${value}`);
  }
  return url;
}
