declare const __DECART_VERSION__: string;

/** The SDK version, injected at build time. */
export const sdkVersion: string = typeof __DECART_VERSION__ === "string" ? __DECART_VERSION__ : "0.0.0";

interface RuntimeGlobals {
  Deno?: unknown;
  Bun?: unknown;
  EdgeRuntime?: unknown;
  process?: { versions?: { node?: string } };
  navigator?: { userAgent?: string };
  window?: unknown;
  document?: unknown;
}

/** Names the JavaScript runtime for the User-Agent: node, bun, deno, edge, workerd, browser or unknown. */
export function detectRuntime(): string {
  const scope = globalThis as RuntimeGlobals;
  if (scope.Deno !== undefined) return "deno";
  if (scope.Bun !== undefined) return "bun";
  if (typeof scope.EdgeRuntime === "string") return "edge";
  if (scope.navigator?.userAgent === "Cloudflare-Workers") return "workerd";
  if (typeof scope.process?.versions?.node === "string") return "node";
  if (scope.window !== undefined && scope.document !== undefined) return "browser";
  return "unknown";
}

/** The User-Agent every request sends: `decart-ts-sdk/<version> lang/js [integration] runtime/<runtime>`. */
export function buildUserAgent(integration?: string): string {
  const extra = integration?.trim() ? ` ${integration.trim()}` : "";
  return `decart-ts-sdk/${sdkVersion} lang/js${extra} runtime/${detectRuntime()}`;
}
