// Draws the architecture from the import graph: assets/architecture.svg (the packages, each with its
// rooms) and generated/architecture.gen.md (the "Architecture" page: one line per room with what it owns,
// its size and the rooms it imports). The graph is the one `npm test` checks with dependency-cruiser
// (.dependency-cruiser.cjs at the root), so the picture cannot drift from the code: a room added, moved
// or given a new import appears on the next docs build.
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { cruise } from "dependency-cruiser";

const isTest = (path) => /\.test(-d)?\.tsx?$/.test(path);
const escapeXml = (text) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** The package's rooms with their files and imports, read from the graph. */
async function readGraph(repository) {
  const packagesDirectory = join(repository, "packages");
  const names = (await readdir(packagesDirectory, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const sources = names.map((name) => `packages/${name}/src`);
  const previous = process.cwd();
  process.chdir(repository);
  let output;
  try {
    const result = await cruise(
      sources,
      { includeOnly: "^packages/[^/]+/src/", tsPreCompilationDeps: true, outputType: "json" },
      { extensions: [".ts", ".tsx", ".js", ".mjs"] },
      { tsConfig: {} },
    );
    output = typeof result.output === "string" ? JSON.parse(result.output) : result.output;
  } finally {
    process.chdir(previous);
  }
  const packages = [];
  for (const name of names) {
    const manifest = JSON.parse(await readFile(join(packagesDirectory, name, "package.json"), "utf8"));
    const workspace = (record) =>
      Object.keys(record ?? {})
        .filter((dependency) => dependency.startsWith("@decart/"))
        .sort();
    // A peer dependency is loaded on demand (node's `decart emulator` command): drawn dashed, not layered.
    const uses = workspace(manifest.dependencies);
    const loads = workspace(manifest.peerDependencies);
    packages.push({ directory: name, name: manifest.name, uses, loads, rooms: new Map() });
  }
  const byDirectory = new Map(packages.map((entry) => [entry.directory, entry]));
  const roomOf = (path) => {
    const match = /^packages\/([^/]+)\/src\/(.+)$/.exec(path);
    if (!match) return undefined;
    const [, directory, rest] = match;
    const slash = rest.indexOf("/");
    const folder = rest.slice(0, Math.max(0, rest.lastIndexOf("/")));
    return { directory, room: slash === -1 ? "." : rest.slice(0, slash), folder };
  };
  for (const module of output.modules) {
    if (isTest(module.source)) continue;
    const place = roomOf(module.source);
    const entry = place && byDirectory.get(place.directory);
    if (!entry) continue;
    const room = entry.rooms.get(place.room) ?? {
      name: place.room,
      files: 0,
      subrooms: new Map(),
      imports: new Set(),
    };
    entry.rooms.set(place.room, room);
    // A room's own files, and its sub-rooms' (engine/media/) apart: each folder's count is its direct files.
    if (place.folder === place.room || place.room === ".") room.files += 1;
    else room.subrooms.set(place.folder, (room.subrooms.get(place.folder) ?? 0) + 1);
    for (const dependency of module.dependencies) {
      const target = roomOf(dependency.resolved);
      if (target && target.directory === place.directory && target.room !== place.room && target.room !== ".")
        room.imports.add(target.room);
    }
  }
  for (const entry of packages) {
    for (const room of entry.rooms.values()) {
      room.summary =
        room.name === "."
          ? "the files at the top of src/: the entry points, or all of a package without rooms"
          : await summaryOf(join(packagesDirectory, entry.directory, "src", room.name));
    }
  }
  return packages;
}

/** The first sentence of the comment at the top of a room's index.ts. */
async function summaryOf(folder) {
  let text;
  try {
    text = await readFile(join(folder, "index.ts"), "utf8");
  } catch {
    return "";
  }
  const block = /^\s*\/\*\*?([\s\S]*?)\*\//.exec(text);
  const lines = block
    ? block[1].split("\n").map((line) => line.replace(/^\s*\* ?/, ""))
    : (/^(\s*\/\/.*\n)+/.exec(text)?.[0] ?? "").split("\n").map((line) => line.replace(/^\s*\/\/ ?/, ""));
  const paragraph = lines.join(" ").replace(/\s+/g, " ").trim();
  const sentence = /^(.+?[.!?])(\s|$)/.exec(paragraph);
  return sentence ? sentence[1] : paragraph;
}

/** Packages in layers: a package sits one layer above the highest package it uses. */
function layersOf(packages) {
  const depth = new Map();
  const byName = new Map(packages.map((entry) => [entry.name, entry]));
  const visit = (entry) => {
    if (depth.has(entry.name)) return depth.get(entry.name);
    depth.set(entry.name, 0);
    const value =
      Math.max(-1, ...entry.uses.map((name) => (byName.has(name) ? visit(byName.get(name)) : -1))) + 1;
    depth.set(entry.name, value);
    return value;
  };
  for (const entry of packages) visit(entry);
  const layers = [];
  for (const entry of packages) {
    const index = depth.get(entry.name);
    layers[index] = [...(layers[index] ?? []), entry];
  }
  return layers;
}

/** A room's lines in the picture: the room with the rooms it imports, then each sub-room indented. */
const roomLines = (room) => {
  if (room.name === ".") return [`src/ ${room.files}`];
  const imports = room.imports.size > 0 ? ` → ${[...room.imports].sort().join(", ")}` : "";
  const subrooms = [...room.subrooms].sort(([a], [b]) => a.localeCompare(b));
  return [
    `${room.name}/ ${room.files}${imports}`,
    ...subrooms.map(([folder, files]) => `  ${folder}/ ${files}`),
  ];
};
const sortedRooms = (entry) =>
  [...entry.rooms.values()].sort((a, b) =>
    a.name === "." ? -1 : b.name === "." ? 1 : a.name.localeCompare(b.name),
  );
const linesOf = (entry) => sortedRooms(entry).flatMap(roomLines);
/** Wide enough for the longest line (monospace, about 7 px a character). */
const widthOf = (entry) => Math.max(200, ...linesOf(entry).map((line) => Math.ceil(line.length * 7 + 30)));

/** The SVG: core at the bottom, each package a box listing its rooms, arrows to the packages it uses. */
export function renderSvg(packages) {
  const layers = layersOf(packages);
  const gap = 30;
  const lineHeight = 16;
  const top = 70;
  const rowWidthOf = (layer) => layer.reduce((sum, entry) => sum + widthOf(entry) + gap, -gap);
  const width = Math.max(560, ...layers.map(rowWidthOf)) + 2 * gap;
  const boxHeight = (entry) => 40 + linesOf(entry).length * lineHeight;
  const layerHeights = layers.map((layer) => Math.max(...layer.map(boxHeight)));
  const rowGap = 60;
  const height = top + layerHeights.reduce((sum, value) => sum + value + rowGap, 0);
  const place = new Map();
  let y = height - rowGap / 2;
  layers.forEach((layer, index) => {
    y -= layerHeights[index];
    let x = (width - rowWidthOf(layer)) / 2;
    for (const entry of layer) {
      place.set(entry.name, { x, y, width: widthOf(entry), height: boxHeight(entry) });
      x += widthOf(entry) + gap;
    }
    y -= rowGap;
  });
  const parts = [];
  for (const entry of packages) {
    const from = place.get(entry.name);
    for (const [names, style] of [
      [entry.uses, "edge"],
      [entry.loads, "edge optional"],
    ]) {
      for (const name of names) {
        const to = place.get(name);
        if (!to) continue;
        const x1 = from.x + from.width / 2;
        const x2 = to.x + to.width / 2;
        const [fromY, toY] =
          to.y > from.y ? [from.y + from.height, to.y - 4] : [from.y, to.y + to.height + 4];
        parts.push(`  <path class="${style}" d="M${x1},${fromY} L${x2 + (x1 - x2) * 0.15},${toY}"/>`);
      }
    }
  }
  for (const entry of packages) {
    const { x, y: boxTop, width: boxWidth, height: boxHeightValue } = place.get(entry.name);
    parts.push(`  <g>`);
    parts.push(
      `    <rect class="box" x="${x}" y="${boxTop}" width="${boxWidth}" height="${boxHeightValue}" rx="8"/>`,
    );
    parts.push(`    <text class="name" x="${x + 12}" y="${boxTop + 24}">${escapeXml(entry.name)}</text>`);
    linesOf(entry).forEach((line, index) => {
      parts.push(
        `    <text class="room" xml:space="preserve" x="${x + 14}" y="${boxTop + 44 + index * lineHeight}">${escapeXml(line)}</text>`,
      );
    });
    parts.push(`  </g>`);
  }
  const description =
    "Each package with its rooms (folders under src/), the number of source files in each and the rooms it imports; arrows point from a package to the packages it uses. Drawn from the import graph.";
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="title desc" font-family="system-ui, -apple-system, Segoe UI, sans-serif">
  <title id="title">Packages and rooms of the Decart TypeScript SDK</title>
  <desc id="desc">${escapeXml(description)}</desc>
  <defs>
    <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
      <path d="M0,0 L10,5 L0,10 z" fill="#5b6472"/>
    </marker>
    <style>
      .box { fill: #ffffff; stroke: #3367d6; stroke-width: 1.5; }
      .name { font-size: 15px; font-weight: 600; fill: #202124; }
      .room { font-size: 11.5px; fill: #3c4043; font-family: ui-monospace, Menlo, Consolas, monospace; }
      .edge { stroke: #5b6472; stroke-width: 1.5; fill: none; marker-end: url(#arrow); }
      .optional { stroke-dasharray: 5 4; }
      .caption { font-size: 12px; fill: #5b6472; }
    </style>
  </defs>
  <rect width="${width}" height="${height}" fill="#fafafa"/>
  <text class="name" x="${gap}" y="30">Packages and their rooms</text>
  <text class="caption" x="${gap}" y="50">room/ files → rooms it imports · arrows: package → the packages it uses (dashed: loaded on demand)</text>
${parts.join("\n")}
</svg>
`;
}

/** The "Architecture" page: a table per package, one row per room. */
export function renderPage(packages) {
  const lines = [
    "---",
    "title: Architecture",
    "---",
    "",
    "# Architecture",
    "",
    "Generated from the import graph when this site was built. Each package's `src/` is divided into rooms,",
    "one folder per concept; a room's `index.ts` is its face to the rest of the package, and other rooms",
    "import it only through that file. The rooms of a package import one another one way, and no file",
    "imports itself again through others: `npm test` checks both with dependency-cruiser",
    "(`.dependency-cruiser.cjs`), beside the rule that packages use each other only through their",
    "package names. Tests sit beside the code they test; a package's shared test helpers are in its",
    "`test-support/` room, which shipped code never imports.",
    "",
    "![Packages and their rooms](../assets/architecture.svg)",
    "",
  ];
  for (const layer of layersOf(packages)) {
    for (const entry of layer) {
      lines.push(`## ${entry.name}`, "");
      const named = (names) => names.map((name) => `\`${name}\``).join(", ");
      lines.push(entry.uses.length > 0 ? `Uses ${named(entry.uses)}.` : "Uses no other package.");
      if (entry.loads.length > 0) lines.push(`Loads ${named(entry.loads)} on demand, when installed.`);
      lines.push("");
      lines.push("| room | owns | files | imports |", "| --- | --- | --- | --- |");
      for (const room of sortedRooms(entry)) {
        const imports =
          [...room.imports]
            .sort()
            .map((name) => `\`${name}/\``)
            .join(", ") || "—";
        const summary = room.summary.replace(/\|/g, "\\|") || "—";
        const subrooms = [...room.subrooms]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([folder, files]) => ` (\`${folder}/\` ${files})`)
          .join("");
        lines.push(
          `| \`${room.name === "." ? "src/" : `${room.name}/`}\` | ${summary} | ${room.files}${subrooms} | ${imports} |`,
        );
      }
      lines.push("");
    }
  }
  return `${lines.join("\n")}\n`;
}

/** Writes the picture and the page for the repository that holds `docsRoot`. */
export async function writeArchitecture(docsRoot) {
  const repository = join(docsRoot, "..", "..");
  const packages = await readGraph(repository);
  await writeFile(join(docsRoot, "assets", "architecture.svg"), renderSvg(packages));
  await writeFile(join(docsRoot, "generated", "architecture.gen.md"), renderPage(packages));
  return {
    packages: packages.length,
    rooms: packages.reduce((sum, entry) => sum + entry.rooms.size, 0),
    file: relative(repository, docsRoot),
  };
}
