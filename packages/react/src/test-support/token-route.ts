import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Emulator } from "@decart/emulator";
import {
  createTokenHandler,
  type TokenHandlerOptions,
  type TokenMintEvent,
  toNodeHandler,
} from "@decart/node";

/** A real `createTokenHandler` route on loopback, minting from an emulator, and what it did. */
export interface TokenRoute {
  /** The route's URL, such as `http://127.0.0.1:1234/api/decart-token`. */
  url: string;
  /** Every token it minted, in order. */
  readonly mints: TokenMintEvent[];
  /** The JSON bodies pages POSTed to it (`undefined` for an empty one), in order. */
  readonly bodies: unknown[];
  close(): Promise<void>;
}

/**
 * Runs `make` with no `window` in sight. A token route is server code, but in a happy-dom test it shares
 * the page's globals, and the core client it mints with would refuse its permanent key there as it would
 * in a real page. The key is checked when the client is made, so only that moment hides the window.
 */
function asServer<T>(make: () => T): T {
  const scope = globalThis as { window?: unknown };
  const descriptor = Object.getOwnPropertyDescriptor(scope, "window");
  if (descriptor === undefined) return make();
  Object.defineProperty(scope, "window", { value: undefined, configurable: true, writable: true });
  try {
    return make();
  } finally {
    Object.defineProperty(scope, "window", descriptor);
  }
}

/** Starts a token route in front of `emulator`, open to anonymous callers (loopback only) unless `options` say otherwise. */
export async function startTokenRoute(
  emulator: Emulator,
  options: TokenHandlerOptions = {},
): Promise<TokenRoute> {
  const mints: TokenMintEvent[] = [];
  const bodies: unknown[] = [];
  const handler = asServer(() =>
    createTokenHandler({
      apiKey: emulator.apiKey,
      baseUrl: emulator.url,
      allowAnonymous: true,
      rateLimit: false,
      ...options,
      onMint: (event) => {
        mints.push(event);
        return options.onMint?.(event);
      },
    }),
  );
  const listener = toNodeHandler(async (request, context) => {
    const text = await request.clone().text();
    bodies.push(text === "" ? undefined : JSON.parse(text));
    return handler(request, context);
  });
  const server: Server = createServer((request, response) => void listener(request, response));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/decart-token`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { url, mints, bodies, close };
}
