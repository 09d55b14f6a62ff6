import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The browser app. The server (`server/main.ts`) is built with `vite build --ssr`, keeping every
// dependency external so it runs against the installed packages.
export default defineConfig({
  plugins: [react()],
  ssr: { external: true },
  build: { sourcemap: true },
});
