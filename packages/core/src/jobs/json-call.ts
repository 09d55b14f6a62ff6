import { ProcessingError } from "../errors/index";
import { type APIResponse, apiResponse } from "../response/index";
import type { TransportCall } from "../transport/index";
import type { ClientContext } from "./context";

/**
 * Sends `call` and resolves its JSON reply with the response's metadata, once the reply has the string
 * `fields` the result needs (`apiKey` of a token, `id` of a file); any other field passes through.
 */
export async function jsonCall<T>(
  context: ClientContext,
  call: TransportCall,
  fields: readonly string[],
): Promise<APIResponse<T>> {
  const response = await context.transport.read(call);
  const data = (await context.transport.readJson(response, call)) as Record<string, unknown>;
  if (typeof data !== "object" || data === null || fields.some((field) => typeof data[field] !== "string")) {
    throw new ProcessingError(`The reply to ${call.method} ${call.path} has no ${fields.join(" or ")}`, {
      code: "UNREADABLE_RESPONSE",
      status: response.status,
    });
  }
  return apiResponse(response, data as T);
}
