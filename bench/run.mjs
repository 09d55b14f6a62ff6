// Runs every benchmark and prints each figure as a ratio to its baseline, measured in the same run.
// `node run.mjs core`, `node run.mjs emulator`, `node run.mjs batch` or `node run.mjs queue` runs one group;
// `--runs=5` times the emulator's single jobs five times instead of three.
import { budgetBytes, goalBytes, measureBundle } from "./budget.mjs";
import { abortLatency, callOverhead, importTime, instantJob, uploadMemory } from "./core.mjs";
import { overGoal, printRow } from "./report.mjs";

const runsFlag = process.argv.find((argument) => argument.startsWith("--runs="));
const groups = process.argv.slice(2).filter((argument) => argument !== runsFlag);
const wants = (group) => groups.length === 0 || groups.includes(group);

if (wants("core")) {
  console.log("— @decart/core + @decart/models —");
  await callOverhead();
  await instantJob();
  await abortLatency();
  const { gzipped } = await measureBundle();
  printRow(
    "bundle of one process call (min+gz)",
    `${(gzipped / 1024).toFixed(1)} KB`,
    gzipped / goalBytes,
    1,
    `goal ${goalBytes / 1024} KB; size-limit budget ${(budgetBytes / 1024).toFixed(1)} KB (${gzipped <= budgetBytes ? "within" : "over"}); Decart's SDK 257 KB`,
  );
  await importTime();
  await uploadMemory();
}
if (wants("emulator")) {
  const { runEmulatorBenchmarks } = await import("./emulator.mjs");
  console.log("— @decart/emulator —");
  await runEmulatorBenchmarks(runsFlag ? { runs: Number(runsFlag.slice("--runs=".length)) } : {});
}
if (wants("node")) await (await import("./node.mjs")).runNodeBenchmarks();
if (wants("batch")) await (await import("./batch.mjs")).runBatchBenchmarks();
if (wants("queue")) await (await import("./queue.mjs")).runQueueBenchmarks();

const over = overGoal();
console.log(over.length === 0 ? "every figure meets its goal" : `over goal: ${over.join(", ")}`);
