import { DecartProvider, type DecartProviderProps } from "@decart/react";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { type KeyMode, keyModeOf, type PageConfig, serverRoutes } from "./key-modes";
import "./styles.css";

const integration = "decart-example";

/**
 * The provider for each way of keeping the key off the page. With the proxy, the browser talks to our own
 * server, which adds the key. With client tokens, it POSTs to our token route for a short-lived `ek_` key
 * (again shortly before it expires) and calls the API itself, at the address our server names.
 */
async function providerFor(keys: KeyMode): Promise<{ props: DecartProviderProps; apiBaseUrl?: string }> {
  if (keys === "proxy") return { props: { options: { proxy: serverRoutes.proxy, integration } } };
  const response = await fetch(serverRoutes.config);
  const { apiBaseUrl } = (await response.json()) as PageConfig;
  return {
    props: { tokenUrl: serverRoutes.token, options: { baseUrl: apiBaseUrl, integration } },
    apiBaseUrl,
  };
}

const keys = keyModeOf(window.location.search);
void providerFor(keys).then(({ props, apiBaseUrl }) => {
  createRoot(document.getElementById("root")!).render(
    <StrictMode>
      <DecartProvider {...props}>
        <App keys={keys} apiBaseUrl={apiBaseUrl} />
      </DecartProvider>
    </StrictMode>,
  );
});
