/**
 * How the page gets to call Decart without holding the permanent key (see the guide "Keys in the
 * browser"): through this app's proxy, or directly with short-lived client tokens from its token route.
 * Chosen with `?keys=tokens` in the URL; the proxy is the default.
 */
export type KeyMode = "proxy" | "tokens";

/** The paths of this app's server. */
export const serverRoutes = {
  /** `createProxyHandler`: forwards the page's calls, adding the key. */
  proxy: "/api/decart",
  /** `createTokenHandler`: answers a `POST` with a client token `{ apiKey, expiresAt }`. */
  token: "/api/decart-token",
  /** `GET`: `{ apiBaseUrl }`, where a page with a client token calls the API. */
  config: "/api/decart-config",
} as const;

/** What the server tells the page at {@link serverRoutes.config}. */
export interface PageConfig {
  /** The API a page calls with its client token: the Decart API, or the local emulator. */
  apiBaseUrl: string;
}

export const keyModes: Array<{ mode: KeyMode; label: string }> = [
  { mode: "proxy", label: "Proxy" },
  { mode: "tokens", label: "Client tokens" },
];

/** The mode a URL's `?keys=` asks for. */
export function keyModeOf(search: string): KeyMode {
  return new URLSearchParams(search).get("keys") === "tokens" ? "tokens" : "proxy";
}
