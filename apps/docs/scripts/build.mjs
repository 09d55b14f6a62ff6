// Builds the documentation site into site/: renders the model gallery with the emulator, writes the
// Models page from the registry and the Architecture page and picture from the import graph, then runs
// typedoc over every package with validation warnings treated as errors. When typedoc fails, the
// exports that lack documentation are listed at the end, one per line.
//
// DOCS_ALLOW_UNDOCUMENTED=1 reports missing documentation as warnings and builds the site anyway: for a
// local preview while the packages are being written. The test and CI builds are strict.
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeArchitecture } from "./architecture.mjs";
import { renderGallery } from "./gallery.mjs";
import { writeModelsPage } from "./models-page.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

await renderGallery(root);
await writeModelsPage(root);
await writeArchitecture(root);

const lenient = process.env.DOCS_ALLOW_UNDOCUMENTED === "1";
const typedocArguments = [
  "--options",
  "typedoc.json",
  ...(lenient ? ["--treatValidationWarningsAsErrors", "false", "--treatWarningsAsErrors", "false"] : []),
];
const output = [];
const status = await new Promise((resolve) => {
  const child = spawn(join(root, "node_modules", ".bin", "typedoc"), typedocArguments, {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" },
  });
  for (const stream of [child.stdout, child.stderr]) {
    stream.on("data", (chunk) => {
      process.stdout.write(chunk);
      output.push(chunk.toString());
    });
  }
  child.on("close", (code) => resolve(code ?? 1));
});

const lines = output.join("").split("\n");
const unique = (items) => [...new Set(items)];
if (status !== 0 || lenient) {
  const undocumented = unique(
    lines
      .map((line) => /\] (.+), defined in (.+), does not have any documentation/.exec(line))
      .filter((match) => match !== null)
      .map((match) => `  ${match[1]}  (${match[2]})`),
  );
  const unexported = unique(
    lines
      .map((line) =>
        /\] (.+), defined in (.+), is referenced by (.+) but not included in the documentation/.exec(line),
      )
      .filter((match) => match !== null)
      .map((match) => `  ${match[1]}  (${match[2]}, used by ${match[3]})`),
  );
  if (status !== 0) console.error("\nThe docs build failed.");
  if (undocumented.length > 0) {
    console.error(
      `Public exports without documentation (${undocumented.length}):\n${undocumented.join("\n")}`,
    );
  }
  if (unexported.length > 0) {
    console.error(
      `Types used by the public API but not exported (${unexported.length}):\n${unexported.join("\n")}`,
    );
  }
  if (status !== 0) process.exit(status);
}
console.log(`Docs built: ${join(root, "site", "index.html")}`);
