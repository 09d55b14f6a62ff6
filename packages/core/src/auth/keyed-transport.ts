import { InvalidAPIKeyError, type RequestCredential } from "../errors/index";
import { headers } from "../protocol/index";
import type { Transport, TransportCall } from "../transport/index";
import { isClientToken } from "./api-key";
import type { Credentials } from "./credentials";

/** What a request with `key` carries to say who is asking. */
export function credentialOf(key: string, refreshed?: boolean): RequestCredential {
  const kind = isClientToken(key) ? "client-token" : "api-key";
  return refreshed ? { kind, refreshed } : { kind };
}

function withKey(call: TransportCall, key: string, refreshed: boolean): TransportCall {
  return {
    ...call,
    headers: { ...call.headers, [headers.apiKey]: key },
    credential: credentialOf(key, refreshed),
  };
}

/**
 * A transport whose calls carry the key of an `apiKey` function, asked before each call (kept between
 * them, see {@link Credentials}). A 401 asks the function for a new key once and repeats the call with
 * it: safe even for a submission, since a 401 means the server accepted nothing. A second 401 is the
 * call's failure.
 */
export function keyedTransport(transport: Transport, credentials: Credentials): Transport {
  async function run<T>(call: TransportCall, send: (call: TransportCall) => Promise<T>): Promise<T> {
    const key = await credentials.key(call.signal);
    try {
      return await send(withKey(call, key, false));
    } catch (error) {
      if (!(error instanceof InvalidAPIKeyError && error.status === 401)) throw error;
      credentials.invalidate(key);
      return send(withKey(call, await credentials.key(call.signal), true));
    }
  }
  return {
    ...transport,
    send: (call) => run(call, (keyed) => transport.send(keyed)),
    read: (call) => run(call, (keyed) => transport.read(keyed)),
    json: <T>(call: TransportCall) => run(call, (keyed) => transport.json<T>(keyed)),
    blob: (call, onResponse) => run(call, (keyed) => transport.blob(keyed, onResponse)),
  };
}
