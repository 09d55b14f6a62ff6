import { describe, expect, inject, it } from "vitest";
import { describeMatrix } from "./matrix";
import { binaries, cliRunner } from "./processes";

// Only the network permission, for loopback: the SDK must not need env, read or write access.
const permissions = ["run", "--no-prompt", "--allow-net=127.0.0.1"];

describeMatrix("deno", cliRunner(binaries.deno, permissions));

describe("deno and DECART_API_KEY", () => {
  const options = () => ({ baseUrl: inject("emulatorUrl") });
  const env = () => ({ DECART_API_KEY: inject("emulatorKey") });

  it("without --allow-env, the error names the permission", async () => {
    const report = await cliRunner(binaries.deno, permissions, env())("image", options());
    expect(report).toMatchObject({ ok: false, error: { name: "InvalidAPIKeyError" } });
    expect(report.error?.message).toMatch(/--allow-env=DECART_API_KEY/);
  });

  it("with --allow-env=DECART_API_KEY, the key is read", async () => {
    const granted = [...permissions, "--allow-env=DECART_API_KEY"];
    const report = await cliRunner(binaries.deno, granted, env())("image", options());
    expect(report, JSON.stringify(report.error)).toMatchObject({ ok: true, type: "image/png" });
  });
});
