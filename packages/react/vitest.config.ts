import { react18Aliases } from "@decart/react-18";
import { mergeConfig } from "vitest/config";
import { packageTests } from "../../vitest.shared";

// The peer range says React 18.2 and 19: the suite runs on both, as two projects of one run.
const shared = packageTests();
export default mergeConfig(shared, {
  test: {
    projects: [
      { extends: true, test: { name: "react-19", env: { EXPECTED_REACT: "19." } } },
      {
        extends: true,
        resolve: { alias: react18Aliases() },
        test: { name: "react-18.2", env: { EXPECTED_REACT: "18.2." }, typecheck: { enabled: false } },
      },
    ],
  },
});
