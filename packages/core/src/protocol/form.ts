/**
 * How a non-file input travels as a multipart form field, as Decart's JS clients send it: a string as
 * it is, a number as `String(n)` (`42`, `1.5`), a boolean as `"true"`/`"false"`, a date as its ISO
 * string, arrays and objects as JSON. `undefined` and `null` are left out (`undefined` is returned).
 *
 * @example
 * ```ts
 * import { encodeFormValue } from "@decart/core/protocol";
 *
 * encodeFormValue(true); // "true"
 * encodeFormValue([{ frame: 0, x: 10, y: 20 }]); // '[{"frame":0,"x":10,"y":20}]'
 * encodeFormValue(undefined); // undefined: no part
 * ```
 */
export function encodeFormValue(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint")
    return String(value);
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value);
}

const truthy = new Set(["true", "1", "yes", "on", "t", "y"]);
const falsy = new Set(["false", "0", "no", "off", "f", "n"]);

/**
 * Reads a form field as a boolean, as leniently as pydantic does: `true/false`, `True/False` (Python's
 * SDK), `1/0`, `yes/no`, `on/off`, `t/f`, `y/n`, in any case and with surrounding spaces. Anything else
 * is `undefined` (the server answers 422).
 *
 * @example
 * ```ts
 * import { parseFormBoolean } from "@decart/core/protocol";
 *
 * parseFormBoolean("True"); // true
 * parseFormBoolean("off"); // false
 * parseFormBoolean("maybe"); // undefined
 * ```
 */
export function parseFormBoolean(text: string): boolean | undefined {
  const word = text.trim().toLowerCase();
  if (truthy.has(word)) return true;
  if (falsy.has(word)) return false;
  return undefined;
}

const numberPattern = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Reads a form field as a finite number: decimal text (`42`, `-1.5`, `.5`, `1e3`), with surrounding
 * spaces. Anything else (empty, `NaN`, `Infinity`, hex, `12px`) is `undefined`.
 *
 * @example
 * ```ts
 * import { parseFormNumber } from "@decart/core/protocol";
 *
 * parseFormNumber("1.5"); // 1.5
 * parseFormNumber("twelve"); // undefined
 * ```
 */
export function parseFormNumber(text: string): number | undefined {
  const trimmed = text.trim();
  if (!numberPattern.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : undefined;
}

const pythonWords: Readonly<Record<string, string>> = { True: "true", False: "false", None: "null" };

/**
 * Rewrites a Python literal (`repr` of lists, dicts, strings, numbers, `True`/`False`/`None`) as JSON:
 * single-quoted strings become double-quoted, the three words become JSON's. Returns `undefined` on an
 * unterminated string.
 */
function pythonToJson(text: string): string | undefined {
  let out = "";
  let index = 0;
  while (index < text.length) {
    const char = text[index] as string;
    if (char === "'" || char === '"') {
      let value = "";
      index++;
      while (index < text.length && text[index] !== char) {
        if (text[index] === "\\" && index + 1 < text.length) {
          value += text[index + 1] === "'" ? "'" : `\\${text[index + 1]}`;
          index += 2;
        } else {
          value += text[index] === '"' ? '\\"' : text[index];
          index++;
        }
      }
      if (index >= text.length) return undefined;
      out += `"${value}"`;
      index++;
      continue;
    }
    const word = /^[A-Za-z_]\w*/.exec(text.slice(index))?.[0];
    if (word !== undefined) {
      out += pythonWords[word] ?? word;
      index += word.length;
      continue;
    }
    out += char === "(" ? "[" : char === ")" ? "]" : char;
    index++;
  }
  return out;
}

/**
 * Reads a form field holding structured data: JSON (`[{"frame":0,"x":10,"y":20}]`, what the JS clients
 * and Python 0.1.x send) or Python's repr of it (`[{'frame': 0, 'x': 10.0}]`, what Python 0.0.x
 * sends). Returns `undefined` when it is neither.
 *
 * @example
 * ```ts
 * import { parseFormJson } from "@decart/core/protocol";
 *
 * parseFormJson("[{'frame': 0, 'x': 10.0, 'y': 5.5}]"); // [{ frame: 0, x: 10, y: 5.5 }]
 * parseFormJson("{not json"); // undefined
 * ```
 */
export function parseFormJson(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    // Not JSON: perhaps Python's repr.
  }
  const rewritten = pythonToJson(trimmed);
  if (rewritten === undefined) return undefined;
  try {
    return JSON.parse(rewritten) as unknown;
  } catch {
    return undefined;
  }
}
