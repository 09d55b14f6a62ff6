// The page of the chromium token tests, bundled by `bundleTokenPage`: a provider fed by `tokenUrl` or by
// `getToken`, a generator using `useProcess`, and a button that re-renders the provider with new inline
// props (a new `getToken` identity each time).
import type { DecartClient } from "@decart/core";
import { models } from "@decart/models";
import { StrictMode, useState } from "react";
import { createRoot } from "react-dom/client";
import { DecartProvider, useDecartClient, useProcess } from "../index";

/** What the test sets on `window.tokenPage` before the bundle runs. */
export interface TokenPageConfig {
  source: "tokenUrl" | "getToken";
  /** The token route, a path of the page's origin. */
  tokenUrl: string;
  /** The API the client calls with its tokens. */
  baseUrl: string;
}

/** What the page reports on `window.tokenPageState()`. */
export interface TokenPageState {
  /** Distinct clients the hooks saw. */
  clients: number;
  /** Calls of the app's `getToken`. */
  getTokenCalls: number;
  /** Renders of the provider's parent. */
  renders: number;
}

const scope = window as unknown as {
  tokenPage: TokenPageConfig;
  tokenPageState?: () => TokenPageState;
};
const config = scope.tokenPage;
const clients = new Set<DecartClient>();
let getTokenCalls = 0;
let renders = 0;
scope.tokenPageState = () => ({ clients: clients.size, getTokenCalls, renders });

function Generator() {
  clients.add(useDecartClient());
  const [count, setCount] = useState(0);
  const { process, status, url, error } = useProcess();
  const generate = () => {
    setCount(count + 1);
    void process({ model: models.image("lucy-pro-t2i"), prompt: `A lighthouse at dawn, take ${count + 1}` });
  };
  return (
    <div>
      <button type="button" data-testid="generate" onClick={generate}>
        Generate
      </button>
      <p data-testid="status" data-status={status} data-count={count}>
        {error ? `${error.name}: ${error.message}` : status}
      </p>
      {url && <img data-testid="result" src={url} alt="Result" />}
    </div>
  );
}

function Root() {
  const [, setTick] = useState(0);
  renders += 1;
  // Inline on purpose: new objects and a new function every render must keep the one client.
  const options = { baseUrl: config.baseUrl };
  const rerender = (
    <button type="button" data-testid="rerender" onClick={() => setTick((tick) => tick + 1)}>
      Re-render
    </button>
  );
  if (config.source === "tokenUrl") {
    return (
      <DecartProvider tokenUrl={config.tokenUrl} options={options}>
        {rerender}
        <Generator />
      </DecartProvider>
    );
  }
  return (
    <DecartProvider
      getToken={async () => {
        getTokenCalls += 1;
        const response = await fetch(config.tokenUrl, { method: "POST" });
        return (await response.json()) as { apiKey: string; expiresAt: string };
      }}
      options={options}
    >
      {rerender}
      <Generator />
    </DecartProvider>
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
