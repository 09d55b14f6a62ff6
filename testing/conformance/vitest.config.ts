import { packageTests } from "../../vitest.shared";

// The suites render real media; files run one after another and each keeps at most six calls in
// flight, so two cores are enough for the whole package.
export default packageTests({ fileParallelism: false, maxConcurrency: 6, testTimeout: 120_000, hookTimeout: 60_000 });
