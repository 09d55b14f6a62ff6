import { createDecartClient, type DecartClient, type DecartClientOptions } from "@decart/core";
import { createContext, type ReactNode, useContext, useRef } from "react";

const DecartClientContext = createContext<DecartClient | null>(null);
DecartClientContext.displayName = "DecartClientContext";

/**
 * Props of {@link DecartProvider}: either a ready client or the options to create one.
 *
 * @example
 * ```ts
 * import type { DecartProviderProps } from "@decart/react";
 *
 * const props: DecartProviderProps = { options: { proxy: "/api/decart" } };
 * ```
 */
export type DecartProviderProps =
  | {
      /** The client the hooks below use. */
      client: DecartClient;
      /** Not allowed with `client`: pass a client or the options to create one, not both. */
      options?: never;
      /** The part of the tree whose hooks use this client. */
      children?: ReactNode;
    }
  | {
      /**
       * Options for `createDecartClient`. The client is created once and created again only when an
       * option changes (compared key by key), so an inline object literal is fine.
       */
      options: DecartClientOptions;
      /** Not allowed with `options`: pass a client or the options to create one, not both. */
      client?: never;
      /** The part of the tree whose hooks use the client created from `options`. */
      children?: ReactNode;
    };

function shallowEqual(left: object, right: object): boolean {
  const leftKeys = Object.keys(left);
  if (leftKeys.length !== Object.keys(right).length) return false;
  return leftKeys.every((key) =>
    Object.is((left as Record<string, unknown>)[key], (right as Record<string, unknown>)[key]),
  );
}

/** Creates the client for `options`, again only when an option changes. */
function useClientFromOptions(options: DecartClientOptions | undefined): DecartClient | undefined {
  const cache = useRef<{ options: DecartClientOptions; client: DecartClient } | null>(null);
  if (options === undefined) return undefined;
  if (cache.current === null || !shallowEqual(cache.current.options, options)) {
    cache.current = { options, client: createDecartClient(options) };
  }
  return cache.current.client;
}

/**
 * Makes a Decart client available to {@link useProcess} and {@link useDecartClient} below it. Pass a
 * client you created, or `options` to have the provider create (and memoise) one.
 *
 * In a browser, use `proxy` so the API key stays on your server.
 *
 * @example
 * ```tsx
 * import { DecartProvider } from "@decart/react";
 *
 * function App() {
 *   return <p>Your components, which can call useProcess and useDecartClient.</p>;
 * }
 *
 * export function Root() {
 *   return (
 *     <DecartProvider options={{ proxy: "/api/decart" }}>
 *       <App />
 *     </DecartProvider>
 *   );
 * }
 * ```
 */
export function DecartProvider(props: DecartProviderProps): ReactNode {
  const created = useClientFromOptions(props.client === undefined ? props.options : undefined);
  const client = props.client ?? created;
  if (client === undefined) {
    throw new TypeError("DecartProvider needs either a `client` or `options` prop.");
  }
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
        '<DecartProvider options={{ proxy: "/api/decart" }}> (or pass a client).',
    );
  }
  return client;
}
