// What the SDK finds out about where it runs: a page or not (the browser-key guard, the CORS hint), which
// runtime names the User-Agent and picks the upload body, and whether fetch takes `redirect: "error"`.
// Imports only errors/.
export { checkBrowserKey, withCrossOriginHint } from "./browser";
export { uploadRedirectMode } from "./fetch-redirect";
export { buildUserAgent, detectRuntime } from "./user-agent";
