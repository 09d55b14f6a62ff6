import { beforeAll, describe, expect, it } from "vitest";
import { checkLinks } from "./links";
import { ensureSite, siteRoot } from "./site";

beforeAll(() => ensureSite(), 300_000);

describe("the built site's internal links", () => {
  it("every local href and src leads to a file (and an existing anchor)", () => {
    const { checked, broken } = checkLinks(siteRoot);
    expect(checked).toBeGreaterThan(100);
    const report = broken.map((link) => `${link.page}: ${link.target} (${link.reason})`).join("\n");
    expect(broken, `broken links:\n${report}`).toEqual([]);
  });
});
