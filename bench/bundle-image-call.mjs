// The one-image-call program whose browser bundle has a budget (.size-limit.mjs): one `client.process`
// call through the proxy, as a page makes it. budget.mjs and bundle-map.mjs bundle the same file.
import { createDecartClient } from "@decart/core";
import { models } from "@decart/models";

const client = createDecartClient({ proxy: "/api/decart" });
export const run = (prompt) => client.process({ model: models.image("lucy-pro-t2i"), prompt });
