// Sums the JSON reports every vitest run wrote (packages/*/.reports, apps/*/.reports,
// testing/*/.reports) with the pass/fail counts of the other checks, and prints "N passed, N failed".
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const [checksPassed = "0", checksFailed = "0", testsStatus = "0"] = process.argv.slice(2);
let passed = Number(checksPassed);
let failed = Number(checksFailed);
let skipped = 0;
let reports = 0;
for (const group of ["packages", "apps", "testing", "."]) {
  const dirs =
    group === "." ? ["bench"] : existsSync(group) ? readdirSync(group).map((d) => join(group, d)) : [];
  for (const dir of dirs) {
    const file = join(dir, ".reports", "vitest.json");
    if (!existsSync(file)) continue;
    const report = JSON.parse(readFileSync(file, "utf8"));
    reports += 1;
    passed += report.numPassedTests ?? 0;
    failed += (report.numFailedTests ?? 0) + (report.numRuntimeErrorSuites ?? 0);
    skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
    // A suite that failed to load has no tests of its own: count it once.
    for (const suite of report.testResults ?? []) {
      if (suite.status === "failed" && (suite.assertionResults ?? []).length === 0) failed += 1;
    }
  }
}
// A test task that failed without writing a report (crash, missing config) must not look green.
if (Number(testsStatus) !== 0 && failed === Number(checksFailed)) failed += 1;
if (reports === 0) failed += 1;
// Skipped tests (the live-API suite without a key) are reported, never counted as passed.
if (skipped > 0) console.log(`${skipped} skipped`);
console.log(`${passed} passed, ${failed} failed`);
