import { createDecartClient } from "@decart/core";
import { DecartProvider } from "@decart/react";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import "./styles.css";

// The browser talks to our own server, which adds the API key: the key never reaches the page.
const client = createDecartClient({ proxy: "/api/decart", integration: "decart-example" });

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <DecartProvider client={client}>
      <App />
    </DecartProvider>
  </StrictMode>,
);
