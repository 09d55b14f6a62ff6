import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { EdgeRuntime } from "edge-runtime";
import { beforeAll } from "vitest";
import { buildDir } from "./build";
import { describeMatrix } from "./matrix";
import type { CallReport } from "./scenario";

// Vercel's edge-runtime: the bundle (built with the `edge-light` condition) evaluated in its VM, whose
// globals are the edge primitives only (no `process`, no Node built-ins).
let runtime: EdgeRuntime;
beforeAll(async () => {
  runtime = new EdgeRuntime({ initialCode: await readFile(join(buildDir, "edge.js"), "utf8") });
});

describeMatrix("edge-runtime", async (call, options) => {
  const json = await runtime.evaluate<Promise<string>>(
    `runCall(${JSON.stringify(call)}, ${JSON.stringify(options)}).then((report) => JSON.stringify(report))`,
  );
  return JSON.parse(json) as CallReport;
});
