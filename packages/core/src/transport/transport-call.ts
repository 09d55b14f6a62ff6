import type { RequestCredential } from "../errors/index";
import type { RetryPolicy } from "./retry";

/** One HTTP exchange the client makes. */
export interface TransportCall {
  method: "GET" | "POST" | "DELETE";
  /** Path below the base URL, starting with `/`. */
  path: string;
  /** Builds the body; called again for every attempt so no attempt reuses (or clones) a consumed stream. */
  body?: () => BodyInit;
  headers?: Record<string, string>;
  retry: RetryPolicy;
  signal?: AbortSignal | undefined;
  /** Overrides the per-attempt timeout. */
  timeout?: number;
  /** The model the path belongs to: a 404 then means `ModelNotFoundError`, a 4xx names the model. */
  model?: string;
  /** What the call carries to say who is asking (the key's kind), so a 401/403 says who refused. */
  credential?: RequestCredential;
}
