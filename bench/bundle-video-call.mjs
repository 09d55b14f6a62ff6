// The video-call program whose browser bundle has a budget (.size-limit.mjs): a video model run with
// `client.process` (submit, poll, download) and submitted with `client.queue`, through the proxy.
import { createDecartClient } from "@decart/core";
import { models } from "@decart/models";

const client = createDecartClient({ proxy: "/api/decart" });
const model = models.video("lucy-pro-t2v");
export const run = (prompt) => client.process({ model, prompt });
export const submit = (prompt) => client.queue.submit({ model, prompt });
