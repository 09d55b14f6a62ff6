import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { checkSamples, collectSamples } from "./samples";
import { docsRoot, repoRoot } from "./site";

const samples = collectSamples(repoRoot);
let errors = new Map<string, string[]>();

beforeAll(async () => {
  errors = await checkSamples(repoRoot, join(docsRoot, ".samples"), samples);
}, 120_000);

describe("every code sample of the guides and of the packages' @example blocks compiles", () => {
  it("finds samples in the guides and in the packages", () => {
    expect(samples.filter((sample) => sample.file.startsWith("apps/docs/guides/")).length).toBeGreaterThan(
      20,
    );
    expect(samples.filter((sample) => sample.file.startsWith("packages/")).length).toBeGreaterThan(0);
  });

  it.each(samples.map((sample) => [sample.name, sample] as const))("%s", (_name, sample) => {
    const found = errors.get(sample.name) ?? [];
    expect(found, `${sample.name} does not compile:\n${found.join("\n")}`).toEqual([]);
  });
});
