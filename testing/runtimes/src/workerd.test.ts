import { afterAll, beforeAll, inject } from "vitest";
import { describeMatrix } from "./matrix";
import { binaries, cliRunner } from "./processes";
import type { CallReport } from "./scenario";
import { startWorkerd, type Workerd } from "./workerd";

let workerd: Workerd;
beforeAll(async () => {
  workerd = await startWorkerd(inject("emulatorKey"), inject("emulatorUrl"));
});
afterAll(() => workerd?.close());

describeMatrix("workerd", async (call, options) => {
  const response = await fetch(`${workerd.matrixUrl}/run`, {
    method: "POST",
    body: JSON.stringify({ call, options }),
  });
  return (await response.json()) as CallReport;
});

// The proxy handler served by a workerd worker, called by the SDK in Node.
describeMatrix("workerd proxy (Node client)", cliRunner(binaries.node), () => ({ proxy: workerd.proxyUrl }));
