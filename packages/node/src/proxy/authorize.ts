import type { IncomingMessage, ServerResponse } from "node:http";
import { proxyError } from "./errors";

/** What a proxy adapter knows about the request besides the `Request` itself. */
export interface ProxyContext {
  /** The Node request, when the proxy runs behind {@link toNodeHandler} or {@link toExpressMiddleware}. */
  nodeRequest?: IncomingMessage;
  /** The Node response, when the proxy runs behind {@link toNodeHandler} or {@link toExpressMiddleware}. */
  nodeResponse?: ServerResponse;
  /**
   * The client's IP address, for runtimes where the `Request` does not carry it (a Worker's
   * `cf-connecting-ip`, Deno's `info.remoteAddr.hostname`). Behind `toNodeHandler` it defaults to the
   * socket's address.
   */
  clientAddress?: string;
}

/**
 * What {@link ProxyAuthorize} decides: `true` lets the request through, `false` answers 403, a `Response` is
 * sent to the browser as is, and `{ subject }` lets it through as that user — their jobs and limits are
 * theirs alone.
 */
export type ProxyVerdict =
  | boolean
  | Response
  | {
      /** The signed-in user the request acts for; their jobs and limits are theirs alone. */
      subject: string;
    };

/**
 * The app's own check before a request is forwarded, such as reading its session cookie: return
 * `{ subject: userId }` for a signed-in user, `true` for a request allowed with no identity (its jobs and
 * limits then follow the client's address), `false` for 403, or your own `Response` (a 401, a redirect).
 */
export type ProxyAuthorize = (
  request: Request,
  context: ProxyContext,
) => ProxyVerdict | Promise<ProxyVerdict>;

/** Who a forwarded request acts for. */
export interface ProxyIdentity {
  /** The subject `authorize` named, if any. */
  subject: string | undefined;
  /** The key jobs are bound to and limits counted under: the subject, or the client's address. */
  scope: string;
}

/** How a handler authorises requests, fixed when it is created. */
export interface AuthorizeSettings {
  authorize: ProxyAuthorize | undefined;
  allowAnonymous: boolean;
  clientAddress: (request: Request, context: ProxyContext) => string | undefined;
  /** Called the first time a handler with neither `authorize` nor `allowAnonymous` refuses a request. */
  warnClosed: () => void;
  /** What the refusals name, such as "the Decart proxy". */
  service: string;
}

/** Runs the authorisation decision: an identity to forward as, or the response that refuses. */
export async function decide(
  settings: AuthorizeSettings,
  request: Request,
  context: ProxyContext,
): Promise<ProxyIdentity | Response> {
  const address = () => `address:${settings.clientAddress(request, context) ?? "unknown"}`;
  if (!settings.authorize) {
    if (settings.allowAnonymous) return { subject: undefined, scope: address() };
    settings.warnClosed();
    return proxyError(
      403,
      "PROXY_NOT_CONFIGURED",
      "This Decart proxy refuses every request: the server must pass authorize to createProxyHandler, or allowAnonymous: true for local development",
    );
  }
  let verdict: ProxyVerdict;
  try {
    verdict = await settings.authorize(request, context);
  } catch {
    return proxyError(500, "AUTHORIZE_FAILED", `The authorize check of ${settings.service} failed`);
  }
  if (verdict instanceof Response) return verdict;
  if (verdict === true) return { subject: undefined, scope: address() };
  if (
    typeof verdict === "object" &&
    verdict !== null &&
    typeof verdict.subject === "string" &&
    verdict.subject !== ""
  ) {
    return { subject: verdict.subject, scope: `subject:${verdict.subject}` };
  }
  return proxyError(403, "FORBIDDEN", `Not allowed to use ${settings.service}`);
}

/** The client's address: the adapter's `clientAddress`, else the Node socket's. */
export function defaultClientAddress(_request: Request, context: ProxyContext): string | undefined {
  return context.clientAddress ?? context.nodeRequest?.socket.remoteAddress;
}
