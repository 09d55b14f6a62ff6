import { packageTests } from "../../vitest.shared";

// The suites render real media: files run one after another, at most six calls in flight (most of them
// waiting between polls; the emulator renders two at a time).
export default packageTests({
  fileParallelism: false,
  maxConcurrency: 6,
  testTimeout: 120_000,
  hookTimeout: 60_000,
});
