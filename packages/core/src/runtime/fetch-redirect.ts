let mode: RequestRedirect | undefined;

/** Whether the runtime's `Request` takes `redirect: "error"` (workerd refuses it: "use manual"). */
export function acceptsRedirectError(RequestClass: typeof Request = Request): boolean {
  try {
    new RequestClass("http://127.0.0.1/", { redirect: "error" });
    return true;
  } catch {
    return false;
  }
}

/**
 * The `redirect` mode for an upload: `"error"`, so a redirect never replays a body, where the runtime
 * takes it; `"manual"` where it does not, which hands the 3xx back as an error response instead of
 * following it. Tested once, on the first upload.
 */
export function uploadRedirectMode(): RequestRedirect {
  mode ??= acceptsRedirectError() ? "error" : "manual";
  return mode;
}
