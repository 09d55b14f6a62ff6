// Printing helpers shared by the benchmarks: one row per figure, with its ratio to the goal.

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const rows = [];

/** Prints a figure, its ratio against the goal's baseline, and whether it meets the goal. */
export function printRow(name, figure, ratio, goal, anchor) {
  const verdict = ratio <= goal ? "ok" : "OVER";
  rows.push({ name, verdict });
  console.log(
    `${name.padEnd(40)} ${figure.padEnd(48)} ${ratio.toFixed(2)}× (goal ≤ ${goal}×) ${verdict}  [${anchor}]`,
  );
}

export const overGoal = () => rows.filter((row) => row.verdict !== "ok").map((row) => row.name);
