import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { inputJsonSchema, models } from "@decart/models";
import { beforeAll, describe, expect, it } from "vitest";
import { docsRoot, ensureSite, siteRoot } from "./site";

const generated = join(docsRoot, "generated");
let page = "";
let html = "";

beforeAll(() => {
  ensureSite();
  page = readFileSync(join(generated, "models.gen.md"), "utf8");
  html = readFileSync(join(siteRoot, "documents", "Models.html"), "utf8");
}, 300_000);

/** The text of the `## name` section of the page, up to the next section. */
function section(name: string): string {
  const start = page.indexOf(`\n## ${name}\n`);
  if (start < 0) return "";
  const next = page.indexOf("\n## ", start + 1);
  return page.slice(start, next < 0 ? undefined : next);
}

/** The model an alias or a deprecated name stands for (whose sample it shows), else the model itself. */
function targetOf(model: ReturnType<typeof models.list>[number]): string {
  const extra = model as { aliasOf?: string; deprecated?: boolean; replacedBy?: string };
  return extra.aliasOf ?? (extra.deprecated === true ? extra.replacedBy : undefined) ?? model.name;
}

describe("the generated Models page", () => {
  it("was generated from the registry, not skipped", () => {
    expect(page).not.toContain("Not generated in this build");
    expect(html).toContain("<h1");
  });

  it("has one section per name of models.list(), in its order, and no other", () => {
    const headings = [...page.matchAll(/^## (.+)$/gm)].map((match) => match[1]);
    expect(headings).toEqual(models.list().map((model) => model.name));
  });

  it.each(models.list().map((model) => [model.name, model] as const))(
    "%s: status, inputs of its JSON Schema and a sample thumbnail that exists",
    (name, model) => {
      const text = section(name);
      const extra = model as { aliasOf?: string; deprecated?: boolean; replacedBy?: string };
      if (extra.aliasOf) expect(text).toContain(`alias of [\`${extra.aliasOf}\`]`);
      else if (extra.deprecated) expect(text).toContain(`deprecated → use [\`${extra.replacedBy}\`]`);
      else expect(text).toContain("| current |");
      expect(text).toContain(model.outputType);
      expect(text).toContain(`| ${model.kind} | ${model.task} |`);
      for (const [field, kind] of Object.entries(model.fileFields))
        expect(text).toContain(`| \`${field}\` | ${kind} file |`);

      const schema = inputJsonSchema(model) as { properties: Record<string, unknown>; oneOf?: unknown };
      for (const field of Object.keys(schema.properties)) expect(text).toContain(`| \`${field}\` |`);
      if (schema.oneOf) expect(text).toContain("Exactly one of:");

      const thumbnails = [...text.matchAll(/!\[[^\]]*\]\(\.\/([^)]+)\)/g)].map((match) => match[1] ?? "");
      expect(thumbnails).toEqual([`gallery/${targetOf(model)}.png`]);
      for (const thumbnail of thumbnails)
        expect(existsSync(join(generated, thumbnail)), thumbnail).toBe(true);
    },
  );

  it("is in the built site with a heading per model and every thumbnail copied", () => {
    const headings = [...html.matchAll(/<h2[^>]*>([^<]+)</g)].map((match) => match[1]);
    for (const model of models.list()) expect(headings).toContain(model.name);
    const images = [...html.matchAll(/<img[^>]*\ssrc="([^"]+)"/g)].map((match) => match[1] ?? "");
    const targets = new Set(models.list().map(targetOf));
    expect(images.length).toBe(models.list().length);
    expect(new Set(images).size).toBe(targets.size);
    for (const image of images) expect(existsSync(join(siteRoot, "documents", image)), image).toBe(true);
  });
});
