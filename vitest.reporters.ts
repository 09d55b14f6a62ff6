import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Reporter } from "vitest/reporters";

/**
 * The JSON reporter leaves out what fails a run without failing a test: errors thrown outside any
 * test (an unhandled rejection, a socket's 'error' event, a hook that throws) and a run that ends
 * early. This reporter writes them, with the names of the failed tests, to `.reports/run-errors.json`,
 * which `scripts/test-totals.mjs` counts and prints at the end of the run.
 */
export function runErrorsReporter(outputFile = ".reports/run-errors.json"): Reporter {
  return {
    onTestRunEnd(testModules, unhandledErrors, reason) {
      const failedTests: string[] = [];
      for (const module of testModules) {
        // A module fails without a failed test when it cannot load or a hook (afterAll…) throws.
        for (const error of module.errors()) {
          failedTests.push(`${module.relativeModuleId}: ${error.message}`);
        }
        for (const test of module.children.allTests("failed")) {
          const message = test.result().errors?.[0]?.message ?? "";
          failedTests.push(`${module.relativeModuleId} › ${test.fullName}: ${message}`);
        }
      }
      const errors = unhandledErrors.map((error) => ({
        name: error.name,
        message: error.message,
        stack: error.stack?.split("\n").slice(0, 8).join("\n"),
      }));
      mkdirSync(dirname(outputFile), { recursive: true });
      writeFileSync(
        outputFile,
        `${JSON.stringify({ reason, failedTests, unhandledErrors: errors }, null, 2)}\n`,
      );
    },
  };
}
