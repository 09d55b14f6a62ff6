import { readLimited } from "../proxy/index";

/**
 * What a page may ask of its token: fewer models and a shorter life than the server allows. Fields that
 * are `null` count as left out.
 */
export interface TokenRequest {
  allowedModels?: string[];
  expiresIn?: number;
}

/** The largest body a page may send: the two fields above, with room to spare. */
const maxBodyBytes = 16 * 1024;
/** As many models as the API takes in one token. */
export const maxListLength = 20;
const example = 'such as {"allowedModels": ["lucy-pro-t2i"], "expiresIn": 300}';

/**
 * Reads the page's request: an empty body asks for nothing, otherwise a JSON object with only
 * `allowedModels` and `expiresIn`. A string is the clear message of a 400.
 *
 * `parsedBefore` is the `body` a parser that ran first (Express's `express.json()`, `express.text()`,
 * `express.raw()`) left on the Node request after consuming the stream, so the handler also works mounted
 * after one.
 */
export async function readTokenRequest(
  request: Request,
  parsedBefore?: unknown,
): Promise<TokenRequest | string> {
  let bytes = await readLimited(request.body, maxBodyBytes);
  if (bytes === "too-large") return `The request body is larger than ${maxBodyBytes} bytes`;
  if (bytes.byteLength === 0 && parsedBefore !== undefined && parsedBefore !== null) {
    if (typeof parsedBefore === "string") bytes = new TextEncoder().encode(parsedBefore);
    else if (parsedBefore instanceof Uint8Array) bytes = new Uint8Array(parsedBefore);
    // express.json() leaves {} for a request with no JSON body: that asks for nothing, as an empty body does.
    else return checkBody(parsedBefore);
  }
  const text = new TextDecoder().decode(bytes).trim();
  if (text === "") return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return `The request body must be JSON, ${example}`;
  }
  return checkBody(body);
}

function checkBody(body: unknown): TokenRequest | string {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return `The request body must be a JSON object, ${example}`;
  }
  return checkFields(body as Record<string, unknown>);
}

function checkFields(body: Record<string, unknown>): TokenRequest | string {
  const unknown = Object.keys(body).find((name) => name !== "allowedModels" && name !== "expiresIn");
  if (unknown !== undefined) {
    return `${unknown} cannot be set by the page: a token request takes only allowedModels and expiresIn`;
  }
  const asked: TokenRequest = {};
  const { allowedModels, expiresIn } = body;
  if (allowedModels !== undefined && allowedModels !== null) {
    if (
      !Array.isArray(allowedModels) ||
      allowedModels.length === 0 ||
      !allowedModels.every((model) => typeof model === "string" && model !== "")
    ) {
      return "allowedModels must be a non-empty list of model names";
    }
    const models = [...new Set(allowedModels as string[])];
    if (models.length > maxListLength) return `allowedModels may name at most ${maxListLength} models`;
    asked.allowedModels = models;
  }
  if (expiresIn !== undefined && expiresIn !== null) {
    if (typeof expiresIn !== "number" || !Number.isInteger(expiresIn) || expiresIn < 1) {
      return "expiresIn must be a whole number of seconds, 1 or more";
    }
    asked.expiresIn = expiresIn;
  }
  return asked;
}
