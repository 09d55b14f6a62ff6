import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain ES module of the docs build, without types.
import { renderPage, renderSvg, writeArchitecture } from "../scripts/architecture.mjs";

const run = promisify(execFile);
const docsRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const repository = join(docsRoot, "..", "..");
const depcruise = join(repository, "node_modules", ".bin", "depcruise");

/** Runs the repository's import rules over a tree of files; resolves with the rules that were broken. */
async function brokenRules(files: Record<string, string>): Promise<string[]> {
  const folder = await mkdtemp(join(tmpdir(), "decart-imports-"));
  try {
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(folder, path)), { recursive: true });
      await writeFile(join(folder, path), text);
    }
    await writeFile(join(folder, "tsconfig.base.json"), "{}");
    const config = join(repository, ".dependency-cruiser.cjs");
    const result = await run(depcruise, ["--config", config, "--output-type", "json", "packages"], {
      cwd: folder,
    }).catch((error: { stdout: string }) => ({ stdout: error.stdout }));
    const output = JSON.parse(result.stdout) as {
      summary: { violations: Array<{ rule: { name: string } }> };
    };
    return [...new Set(output.summary.violations.map((violation) => violation.rule.name))].sort();
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

describe("the import rules (.dependency-cruiser.cjs)", () => {
  it("pass a package whose rooms meet through their index files", async () => {
    expect(
      await brokenRules({
        "packages/a/src/index.ts": 'export { go } from "./jobs/index";\n',
        "packages/a/src/jobs/index.ts": 'export { go } from "./go";\n',
        "packages/a/src/jobs/go.ts":
          'import { wait } from "../timers/index";\nexport const go = () => wait();\n',
        "packages/a/src/timers/index.ts": 'export { wait } from "./wait";\n',
        "packages/a/src/timers/wait.ts": "export const wait = () => 1;\n",
      }),
    ).toEqual([]);
  });

  it("refuse a cycle (type-only imports count), a way past a room's index and test helpers in shipped code", async () => {
    expect(
      await brokenRules({
        "packages/a/src/index.ts": 'export { go } from "./jobs/go";\n',
        "packages/a/src/jobs/index.ts": 'export { go } from "./go";\n',
        "packages/a/src/jobs/go.ts":
          'import type { Wait } from "../timers/wait";\nimport { helper } from "../test-support/index";\nexport const go: Wait = () => helper;\n',
        "packages/a/src/timers/index.ts": 'export type { Wait } from "./wait";\n',
        "packages/a/src/timers/wait.ts":
          'import type { go } from "../jobs/index";\nexport type Wait = typeof go;\n',
        "packages/a/src/test-support/index.ts": "export const helper = 1;\n",
      }),
    ).toEqual([
      "entry-through-room-index",
      "no-circular",
      "no-test-support-in-production",
      "room-through-its-index",
    ]);
  });
});

describe("the architecture page and picture", () => {
  let page = "";
  let svg = "";
  beforeAll(async () => {
    await writeArchitecture(docsRoot);
    const { readFile } = await import("node:fs/promises");
    page = await readFile(join(docsRoot, "generated", "architecture.gen.md"), "utf8");
    svg = await readFile(join(docsRoot, "assets", "architecture.svg"), "utf8");
  });

  it("name every package and every room folder on disk", async () => {
    for (const name of await readdir(join(repository, "packages"))) {
      const source = join(repository, "packages", name, "src");
      const rooms = (await readdir(source, { withFileTypes: true })).filter((entry) => entry.isDirectory());
      expect(page).toContain(`## @decart/${name}`);
      expect(svg).toContain(`@decart/${name}`);
      for (const room of rooms) {
        expect(page, `${name}/src/${room.name}`).toContain(`| \`${room.name}/\` |`);
        expect(svg, `${name}/src/${room.name}`).toContain(`${room.name}/ `);
      }
    }
  });

  it("draw a package above the packages it uses, with their arrows", () => {
    const packages = [
      {
        name: "@x/low",
        uses: [],
        loads: [],
        rooms: new Map([
          [
            "jobs",
            {
              name: "jobs",
              files: 3,
              subrooms: new Map([["jobs/poll", 2]]),
              imports: new Set(),
              summary: "Jobs.",
            },
          ],
        ]),
      },
      {
        name: "@x/high",
        uses: ["@x/low"],
        loads: [],
        rooms: new Map([
          [
            "cli",
            { name: "cli", files: 2, subrooms: new Map(), imports: new Set(["jobs"]), summary: "The CLI." },
          ],
        ]),
      },
    ];
    const picture: string = renderSvg(packages);
    const top = (name: string) =>
      Number(new RegExp(`<text class="name" x="[\\d.]+" y="([\\d.]+)">${name}<`).exec(picture)?.[1]);
    expect(top("@x/high")).toBeLessThan(top("@x/low"));
    expect(picture.match(/class="edge"/g)).toHaveLength(1);
    expect(picture).toContain("cli/ 2 → jobs");
    const text: string = renderPage(packages);
    expect(text).toContain("| `cli/` | The CLI. | 2 | `jobs/` |");
    expect(text).toContain("| `jobs/` | Jobs. | 3 (`jobs/poll/` 2) | — |");
    expect(picture).toContain("  jobs/poll/ 2");
    expect(text.indexOf("## @x/low")).toBeLessThan(text.indexOf("## @x/high"));
  });
});
