import type { DecartClient } from "@decart/core";
import { createContext, type ReactNode, useContext } from "react";
import { useProviderClient } from "./provider-client";
import type { DecartProviderProps } from "./provider-props";

const DecartClientContext = createContext<DecartClient | null>(null);
DecartClientContext.displayName = "DecartClientContext";

/**
 * Makes a Decart client available to {@link useProcess} and {@link useDecartClient} below it, from one of:
 *
 * - `tokenUrl`: your token route (`createTokenHandler` from `@decart/node`). The provider's client POSTs
 *   to it for a short-lived client token (`ek_…`), keeps it until shortly before it expires, asks again
 *   then (or once after a 401) and calls the Decart API directly with it: hooks go on working across
 *   expiries without the app noticing, and no permanent key reaches the page.
 * - `getToken`: your own function returning `{ apiKey, expiresAt }`, used the same way.
 * - `options`: options for `createDecartClient`, such as `{ proxy: "/api/decart" }` for a proxy route.
 * - `client`: a client you created.
 *
 * A created client is made once and again only when `tokenUrl` or an option changes: inline `options`,
 * `tokenRequest` and `getToken` are fine.
 *
 * @example
 * ```tsx
 * import { DecartProvider } from "@decart/react";
 *
 * function App() {
 *   return <p>Your components, which can call useProcess and useDecartClient.</p>;
 * }
 *
 * export function WithTokens() {
 *   return (
 *     <DecartProvider tokenUrl="/api/decart-token" tokenRequest={{ allowedModels: ["lucy-pro-t2i"] }}>
 *       <App />
 *     </DecartProvider>
 *   );
 * }
 *
 * export function WithOwnTokens({ sessionToken }: { sessionToken: string }) {
 *   const getToken = async () => {
 *     const response = await fetch("/api/decart-token", {
 *       method: "POST",
 *       headers: { authorization: `Bearer ${sessionToken}` },
 *     });
 *     return (await response.json()) as { apiKey: string; expiresAt: string };
 *   };
 *   return (
 *     <DecartProvider getToken={getToken}>
 *       <App />
 *     </DecartProvider>
 *   );
 * }
 *
 * export function ThroughProxy() {
 *   return (
 *     <DecartProvider options={{ proxy: "/api/decart" }}>
 *       <App />
 *     </DecartProvider>
 *   );
 * }
 * ```
 */
export function DecartProvider(props: DecartProviderProps): ReactNode {
  const client = useProviderClient(props);
  return <DecartClientContext.Provider value={client}>{props.children}</DecartClientContext.Provider>;
}

/**
 * The client of the nearest {@link DecartProvider}. Throws when there is none.
 *
 * @example
 * ```tsx
 * import { useDecartClient } from "@decart/react";
 *
 * function JobStatus({ jobId }: { jobId: string }) {
 *   const client = useDecartClient();
 *   const check = async () => console.log(await client.queue.status(jobId));
 *   return <button onClick={check}>Check</button>;
 * }
 * ```
 */
export function useDecartClient(): DecartClient {
  const client = useContext(DecartClientContext);
  if (client === null) {
    throw new Error(
      "useDecartClient() and useProcess() must be used inside a <DecartProvider>. Wrap your app in " +
        '<DecartProvider tokenUrl="/api/decart-token"> or <DecartProvider options={{ proxy: "/api/decart" }}>.',
    );
  }
  return client;
}
