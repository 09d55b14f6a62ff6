// Client tokens: `client.tokens.create()`, its options checked against the API's limits before
// anything is sent, and the token it resolves. Imports errors/, jobs/ (the client's context, the call guard
// and the JSON call), response/ and protocol/.
export {
  type ClientToken,
  type CreateTokenOptions,
  createTokens,
  type TokenConstraints,
  type TokensClient,
} from "./tokens";
