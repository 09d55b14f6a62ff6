// Writes generated/models.gen.md, the "Models" page of the site, from the built-in registry of
// @decart/models at build time: every name of `models.list()` with its kind, task, status (current, alias or
// deprecated), output type, geometry and frame rate, a table of its inputs read from `inputJsonSchema`, and
// the sample the gallery rendered for it (an alias or a deprecated name shows its target's sample).
// Nothing on the page is written by hand: a model added to the registry appears on the next build.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describeSource } from "./gallery.mjs";

const code = (value) => `\`${value}\``;
const cell = (text) => String(text).replace(/\|/g, "\\|").replace(/\n/g, " ");

/** The model a definition stands for: its alias target or replacement, else itself. */
export function targetOf(model) {
  return model.aliasOf ?? (model.deprecated === true ? model.replacedBy : undefined) ?? model.name;
}

function statusOf(model) {
  if (model.aliasOf !== undefined)
    return `alias of [${code(model.aliasOf)}](#${anchorOf(model.aliasOf)}) (resolved by the server; may move)`;
  if (model.deprecated === true)
    return `deprecated → use [${code(model.replacedBy)}](#${anchorOf(model.replacedBy)}) (same inputs; warns once per process)`;
  return "current";
}

/** The anchor typedoc gives a `## name` heading: lower case, punctuation (`.`) dropped, spaces to `-`. */
export function anchorOf(name) {
  return name
    .toLowerCase()
    .replace(/[^\w\s-]/g, "")
    .replace(/\s+/g, "-");
}

function typeOf(schema, media) {
  if (schema === false) return "not allowed";
  if (schema.format === "binary") return media ? `${media} file` : "file";
  if (schema.type === "array") {
    const items = schema.items ?? {};
    return items.type === "object" ? "array of objects" : `array of ${typeOf(items)}`;
  }
  if (Array.isArray(schema.anyOf)) return schema.anyOf.map(typeOf).join(" or ");
  if (Array.isArray(schema.type)) return schema.type.join(" or ");
  return schema.type ?? "any";
}

const bigLimit = 2 ** 53 - 1;

function constraintsOf(schema) {
  const parts = [];
  if (Array.isArray(schema.enum)) parts.push(`one of ${schema.enum.map((value) => code(value)).join(", ")}`);
  if (schema.const !== undefined) parts.push(`exactly ${code(JSON.stringify(schema.const))}`);
  const range = (min, max, unit) => {
    if (min !== undefined && max !== undefined && max < bigLimit) parts.push(`${min}–${max}${unit}`);
    else if (min !== undefined) parts.push(`≥ ${min}${unit}`);
    else if (max !== undefined && max < bigLimit) parts.push(`≤ ${max}${unit}`);
  };
  range(schema.minLength, schema.maxLength, " characters");
  range(schema.minimum, schema.maximum, "");
  range(schema.minItems, schema.maxItems, " items");
  if (schema.exclusiveMinimum !== undefined) parts.push(`> ${schema.exclusiveMinimum}`);
  if (schema.exclusiveMaximum !== undefined) parts.push(`< ${schema.exclusiveMaximum}`);
  if (schema.pattern !== undefined) parts.push(`matches ${code(schema.pattern)}`);
  return parts.join("; ");
}

/** Whether any field of `schema` (nested ones included) has a description. */
function hasDescriptions(schema) {
  return Object.values(schema.properties ?? {}).some(
    (property) =>
      typeof property === "object" &&
      (property.description !== undefined ||
        hasDescriptions(property) ||
        (property.items !== undefined && hasDescriptions(property.items))),
  );
}

/** One row per field, the fields of array items and nested objects included (`trajectory[].x`). */
function fieldRows(schema, described, prefix = "", fileFields = {}) {
  const required = new Set(schema.required ?? []);
  const rows = [];
  for (const [field, property] of Object.entries(schema.properties ?? {})) {
    const name = `${prefix}${field}`;
    rows.push(
      `| ${code(name)} | ${cell(typeOf(property, prefix === "" ? fileFields[field] : undefined))} | ${required.has(field) ? "yes" : "no"} | ${cell(
        constraintsOf(property) || "—",
      )} | ${property.default === undefined ? "—" : code(JSON.stringify(property.default))} |${
        described ? ` ${cell(property.description ?? "—")} |` : ""
      }`,
    );
    if (property.type === "object") rows.push(...fieldRows(property, described, `${name}.`));
    if (property.type === "array" && property.items?.type === "object")
      rows.push(...fieldRows(property.items, described, `${name}[].`));
  }
  return rows;
}

/** A sentence for one branch of a `oneOf`/`anyOf`: which fields it requires and which it forbids. */
function branchText(branch) {
  const parts = [];
  if (branch.required?.length) parts.push(`${branch.required.map(code).join(" and ")} given`);
  const forbidden = Object.entries(branch.properties ?? {})
    .filter(([, value]) => value === false)
    .map(([field]) => code(field));
  if (forbidden.length > 0) parts.push(`without ${forbidden.join(" or ")}`);
  const rest = Object.keys(branch).filter((key) => key !== "required" && key !== "properties");
  if (rest.length > 0 || parts.length === 0) parts.push(code(JSON.stringify(branch)));
  return parts.join(", ");
}

/** The schema's cross-field rules, as sentences (unknown keywords are shown as JSON). */
function rulesOf(schema) {
  const rules = [];
  if (Array.isArray(schema.oneOf))
    rules.push(`Exactly one of: ${schema.oneOf.map((branch) => `(${branchText(branch)})`).join("; ")}.`);
  if (Array.isArray(schema.anyOf))
    rules.push(`At least one of: ${schema.anyOf.map((branch) => `(${branchText(branch)})`).join("; ")}.`);
  for (const keyword of ["allOf", "not", "if", "dependentRequired", "dependentSchemas"]) {
    if (schema[keyword] !== undefined)
      rules.push(`${code(keyword)}: ${code(JSON.stringify(schema[keyword]))}`);
  }
  if (schema.additionalProperties === false) rules.push("Fields not listed here are refused.");
  return rules;
}

function geometryOf(model, schema) {
  const portrait = Array.isArray(schema.properties?.orientation?.enum)
    ? schema.properties.orientation.enum.includes("portrait")
    : false;
  const sizes = Object.entries(model.geometry).map(
    ([resolution, { width, height }]) =>
      `${code(resolution)} ${width}×${height}${portrait ? ` (portrait ${height}×${width})` : ""}`,
  );
  return sizes.join(", ");
}

function timingOf(model) {
  if (model.kind !== "video") return "—";
  const parts = [];
  if (model.fps !== undefined) parts.push(`${model.fps} fps`);
  if (model.maxDurationSeconds !== undefined) parts.push(`up to ${model.maxDurationSeconds} s`);
  return parts.join(", ") || "—";
}

function sampleText(name, sample, model) {
  if (!sample) return "_No sample rendered for this model in this build._";
  const inputs = [
    sample.prompt === undefined ? undefined : sample.prompt === "" ? "an empty prompt" : `“${sample.prompt}”`,
    ...Object.entries(sample.from).map(([field, source]) => `${code(field)}: ${describeSource(source)}`),
    ...Object.entries(sample.inputs).map(([field, value]) =>
      Array.isArray(value) ? `${code(field)} of ${value.length} points` : `${code(field)}: ${code(value)}`,
    ),
  ].filter(Boolean);
  const of = name === model.name ? "" : ` (the sample of ${code(name)})`;
  const length = sample.seconds === undefined ? "" : `, ${sample.seconds.toFixed(1)} s`;
  return `![${model.name} sample](./${sample.thumbnail})

Sample output${of}: ${sample.width}×${sample.height} ${sample.type}${length}, rendered by the emulator from ${inputs.join(", ")} (seed 7).${
    sample.type === "video/mp4" ? " Shown by a frame from the middle of the clip." : ""
  }`;
}

function skippedPage(reason) {
  return `---
title: Models
---

# Models

> **Not generated in this build:** ${reason}. This page is generated from \`@decart/models\` when the
> site is built; build the packages (\`bash scripts/pnpm.sh exec turbo run build\`) and build the docs again.
`;
}

/**
 * Writes `root/generated/models.gen.md` from the registry of the built `@decart/models`, with the samples
 * of `generated/gallery.json` (written by the gallery; missing samples are said so on the page).
 */
export async function writeModelsPage(root) {
  const outFile = join(root, "generated", "models.gen.md");
  let modelsPackage;
  try {
    modelsPackage = await import("@decart/models");
  } catch (error) {
    const reason = `@decart/models could not be loaded (${error.message.split("\n")[0]})`;
    console.warn(`Models page SKIPPED: ${reason}.`);
    await writeFile(outFile, skippedPage(reason));
    return;
  }
  const { models, inputJsonSchema } = modelsPackage;
  const samples = JSON.parse(
    await readFile(join(root, "generated", "gallery.json"), "utf8").catch(() => "{}"),
  );
  const list = models.list();

  const summary = list.map((model) => {
    const status =
      model.aliasOf !== undefined
        ? `alias of ${code(model.aliasOf)}`
        : model.deprecated === true
          ? `deprecated → ${code(model.replacedBy)}`
          : "current";
    return `| [${code(model.name)}](#${anchorOf(model.name)}) | ${model.kind} | ${model.task ?? "—"} | ${status} | ${model.outputType} | ${geometryOf(model, {})} | ${timingOf(model)} |`;
  });

  const sections = list.map((model) => {
    const schema = inputJsonSchema(model);
    const target = targetOf(model);
    const rules = rulesOf(schema);
    const described = hasDescriptions(schema);
    const path = model.kind === "image" ? model.endpoints.generate : model.endpoints.jobs;
    return `## ${model.name}

| kind | task | status | output | geometry | frame rate |
| --- | --- | --- | --- | --- | --- |
| ${model.kind} | ${model.task ?? "—"} | ${statusOf(model)} | ${model.outputType} | ${geometryOf(model, schema)} | ${timingOf(model)} |

Use it as ${code(`models.${model.kind}("${model.name}")`)}; it is sent to ${code(path)}.

| field | type | required | constraints | default |${described ? " description |" : ""}
| --- | --- | --- | --- | --- |${described ? " --- |" : ""}
${fieldRows(schema, described, "", model.fileFields).join("\n")}
${rules.length > 0 ? `\n${rules.map((rule) => `- ${rule}`).join("\n")}\n` : ""}
${sampleText(target, samples[target], model)}
`;
  });

  const page = `---
title: Models
---

# Models

Every model of the built-in registry (\`models.list()\` of \`@decart/models\`), generated from the registry
when this site was built: its kind, its task, whether it is a current model, a server-resolved alias or a deprecated
name, what it returns, its output size per resolution and frame rate, and the inputs it accepts, read from
its JSON Schema (\`inputJsonSchema(model)\`), with the kind of media each file field takes
(\`model.fileFields\`). A file field takes a \`Blob\`, \`File\`, bytes, a stream or an
http(s) URL and is sent as a multipart part. Each model shows a
sample rendered by \`@decart/emulator\` (procedural pictures, not the live models' output); an alias or a
deprecated name shows the sample of the model it stands for. The [model gallery](./gallery.gen.md) shows
all the samples side by side.

| model | kind | task | status | output | geometry | frame rate |
| --- | --- | --- | --- | --- | --- | --- |
${summary.join("\n")}

${sections.join("\n")}`;
  await writeFile(outFile, page);
  console.log(`Models page: ${list.length} models`);
}
