import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** Entry points a React test imports, resolved here, where React is 18.2 and react-dom's peer is too. */
const specifiers = [
  "react",
  "react/jsx-runtime",
  "react/jsx-dev-runtime",
  "react-dom",
  "react-dom/client",
  "react-dom/server",
  "react-dom/test-utils",
  "@testing-library/react",
];

/**
 * Vite aliases that run a test suite on React 18.2: each specifier maps to this package's copy, so the
 * tests, react-dom and Testing Library all share the one React 18.
 */
export function react18Aliases() {
  return specifiers.map((specifier) => ({
    find: new RegExp(`^${specifier.replace(/[/.]/g, "\\$&")}$`),
    replacement: require.resolve(specifier),
  }));
}

/** The React version the aliases resolve to. */
export const react18Version = require("react/package.json").version;
