import { extname } from "node:path";
import { extensionForType } from "../files/index";

/** What a `saveTo` template may name: `{name}`, `{ext}`, `{index}`, `{key}`. */
export interface SavePathFields {
  /** The item's `name`, or its `data` file's base name without extension, or its key. */
  name: string;
  /** The result's extension without the dot, from its type (`mp4`, `png`). */
  ext: string;
  /** The item's position in the batch, from 0. */
  index: number;
  /** The item's key. */
  key: string;
}

const placeholder = /\{(name|ext|index|key)\}/g;

/** Fills a `saveTo` template such as `out/{name}.{ext}`. Unknown braces are left as they are. */
export function fillSavePath(template: string, fields: SavePathFields): string {
  return template.replace(placeholder, (_match, field: keyof SavePathFields) => String(fields[field]));
}

/** The extension, without the dot, for a result's type. */
export function resultExtension(type: string): string {
  return (extensionForType(type) ?? ".bin").replace(/^\./, "");
}

/** The default `{name}` of an item: the base name (without extension) of its `data` file, when it has one. */
export function itemName(item: { name?: unknown; data?: unknown }, key: string): string {
  if (typeof item.name === "string" && item.name !== "") return item.name;
  const data = item.data as { name?: unknown } | undefined;
  if (data && typeof data.name === "string" && data.name !== "") {
    return data.name.slice(0, data.name.length - extname(data.name).length) || key;
  }
  return key;
}
