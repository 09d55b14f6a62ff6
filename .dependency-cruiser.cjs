// The import rules of packages/*/src, checked by `npm test` (scripts/check-imports.sh).
// A package's src/ is divided into rooms (its first-level folders); each room's index.ts is its face.
const room = "^packages/([^/]+)/src/([^/]+)/";
const tests = "(\\.test\\.tsx?|\\.test-d\\.ts)$";

/** @type {import("dependency-cruiser").IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "Imports run one way: no file reaches itself again, type-only imports included.",
      from: {},
      to: { circular: true },
    },
    {
      name: "room-through-its-index",
      severity: "error",
      comment: "A room uses another room only through that room's index.ts.",
      from: { path: room, pathNot: [tests, "/test-support/"] },
      to: {
        path: "^packages/$1/src/[^/]+/",
        pathNot: ["^packages/$1/src/$2/", "^packages/$1/src/[^/]+/index\\.tsx?$"],
      },
    },
    {
      name: "entry-through-room-index",
      severity: "error",
      comment: "The files at the top of src/ (the package's entry points) use rooms through their index.ts.",
      from: { path: "^packages/([^/]+)/src/[^/]+\\.tsx?$", pathNot: tests },
      to: { path: "^packages/$1/src/[^/]+/", pathNot: "^packages/$1/src/[^/]+/index\\.tsx?$" },
    },
    {
      name: "no-test-support-in-production",
      severity: "error",
      comment: "Shipped code never imports the test helpers.",
      from: { path: "^packages/[^/]+/src/", pathNot: [tests, "/test-support/"] },
      to: { path: "/test-support/" },
    },
    {
      name: "no-sibling-sources",
      severity: "error",
      comment: "Packages use each other through their package names and exports, never by path.",
      from: { path: "^packages/([^/]+)/" },
      to: { path: "^packages/[^/]+/src/", pathNot: "^packages/$1/" },
    },
  ],
  options: {
    includeOnly: "^packages/[^/]+/src/",
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.base.json" },
    enhancedResolveOptions: { extensions: [".ts", ".tsx", ".js", ".mjs", ".json"] },
    reporterOptions: { dot: { collapsePattern: "^packages/[^/]+/src/[^/]+/" } },
  },
};
