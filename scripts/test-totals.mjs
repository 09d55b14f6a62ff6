// Sums the JSON reports every vitest run wrote (packages/*/.reports, apps/*/.reports,
// testing/*/.reports) with the pass/fail counts of the other checks, and prints "N passed, N failed".
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const [checksPassed = "0", checksFailed = "0", testsStatus = "0"] = process.argv.slice(2);
let passed = Number(checksPassed);
let failed = Number(checksFailed);
let skipped = 0;
let reports = 0;
const problems = [];

// What failed, named, so that the end of a long log says where to look. Errors raised outside any
// test (an unhandled rejection, say) fail the run without failing a test: each counts as a failure.
function readRunErrors(dir) {
  const file = join(dir, ".reports", "run-errors.json");
  if (!existsSync(file)) return;
  const run = JSON.parse(readFileSync(file, "utf8"));
  for (const test of run.failedTests ?? []) problems.push(`${dir}: ${test}`);
  for (const error of run.unhandledErrors ?? []) {
    failed += 1;
    problems.push(`${dir}: unhandled ${error.name ?? "error"}: ${error.message}\n${error.stack ?? ""}`);
  }
  if (run.reason === "interrupted") problems.push(`${dir}: the run was interrupted`);
}
for (const group of ["packages", "apps", "testing", "."]) {
  const dirs =
    group === "." ? ["bench"] : existsSync(group) ? readdirSync(group).map((d) => join(group, d)) : [];
  for (const dir of dirs) {
    const file = join(dir, ".reports", "vitest.json");
    readRunErrors(dir);
    if (!existsSync(file)) continue;
    const report = JSON.parse(readFileSync(file, "utf8"));
    reports += 1;
    passed += report.numPassedTests ?? 0;
    failed += (report.numFailedTests ?? 0) + (report.numRuntimeErrorSuites ?? 0);
    skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
    // A suite that failed with no failed test of its own (it did not load, a hook threw): count it once.
    for (const suite of report.testResults ?? []) {
      const tests = suite.assertionResults ?? [];
      if (suite.status === "failed" && !tests.some((t) => t.status === "failed")) failed += 1;
    }
  }
}
// The run summary turbo wrote (`--summarize`) names every test task that exited non-zero.
const runs = existsSync(".turbo/runs") ? readdirSync(".turbo/runs").filter((f) => f.endsWith(".json")) : [];
for (const name of runs) {
  const summary = JSON.parse(readFileSync(join(".turbo/runs", name), "utf8"));
  for (const task of summary.tasks ?? []) {
    const code = task.execution?.exitCode;
    if (code) problems.push(`${task.taskId} exited with code ${code}`);
  }
}
// A test task that failed without writing a report (crash, missing config) must not look green.
if (Number(testsStatus) !== 0 && failed === Number(checksFailed)) failed += 1;
if (reports === 0) failed += 1;
for (const problem of problems) console.log(`FAILED ${problem.trim().replaceAll("\n", "\n    ")}`);
// Skipped tests (the live-API suite without a key) are reported, never counted as passed.
if (skipped > 0) console.log(`${skipped} skipped`);
console.log(`${passed} passed, ${failed} failed`);
