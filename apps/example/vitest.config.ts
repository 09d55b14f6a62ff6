import { packageTests } from "../../vitest.shared";

// The end-to-end tests start the built app (`pnpm build` first; turbo's `test` depends on it) and drive
// Chromium, so they get more time than unit tests and run one file at a time.
export default packageTests({
  include: ["e2e/**/*.test.ts"],
  testTimeout: 60_000,
  hookTimeout: 60_000,
  fileParallelism: false,
});
