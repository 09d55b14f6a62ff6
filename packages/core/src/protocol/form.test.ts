import { describe, expect, test } from "vitest";
import { encodeFormValue, parseFormBoolean, parseFormJson, parseFormNumber } from "./form";

describe("encodeFormValue", () => {
  test("encodes as Decart's JS clients do", () => {
    expect(encodeFormValue("a prompt")).toBe("a prompt");
    expect(encodeFormValue(42)).toBe("42");
    expect(encodeFormValue(1.5)).toBe("1.5");
    expect(encodeFormValue(true)).toBe("true");
    expect(encodeFormValue(false)).toBe("false");
    expect(encodeFormValue([{ frame: 0, x: 10, y: 20 }])).toBe('[{"frame":0,"x":10,"y":20}]');
    expect(encodeFormValue({ a: 1 })).toBe('{"a":1}');
    expect(encodeFormValue(new Date(0))).toBe("1970-01-01T00:00:00.000Z");
  });

  test("leaves undefined and null out", () => {
    expect(encodeFormValue(undefined)).toBeUndefined();
    expect(encodeFormValue(null)).toBeUndefined();
  });
});

describe("parseFormBoolean", () => {
  test("accepts what pydantic accepts, in any case", () => {
    for (const text of ["true", "True", "TRUE", "1", "yes", "on", "On", " t ", "y"]) {
      expect(parseFormBoolean(text)).toBe(true);
    }
    for (const text of ["false", "False", "0", "no", "off", "OFF", "f", "n"]) {
      expect(parseFormBoolean(text)).toBe(false);
    }
  });

  test("refuses anything else", () => {
    for (const text of ["", "maybe", "2", "truthy", "null"]) expect(parseFormBoolean(text)).toBeUndefined();
  });
});

describe("parseFormNumber", () => {
  test("reads decimal text", () => {
    expect(parseFormNumber("42")).toBe(42);
    expect(parseFormNumber(" -1.5 ")).toBe(-1.5);
    expect(parseFormNumber(".5")).toBe(0.5);
    expect(parseFormNumber("1e3")).toBe(1000);
  });

  test("refuses anything else", () => {
    for (const text of ["", " ", "NaN", "Infinity", "0x10", "12px", "1,5", "1e999"]) {
      expect(parseFormNumber(text)).toBeUndefined();
    }
  });
});

describe("parseFormJson", () => {
  test("reads JSON", () => {
    expect(parseFormJson('[{"frame":0,"x":10,"y":20}]')).toEqual([{ frame: 0, x: 10, y: 20 }]);
    expect(parseFormJson("3")).toBe(3);
  });

  test("reads Python's repr of lists of dicts", () => {
    expect(parseFormJson("[{'frame': 0, 'x': 10.0, 'y': 5.5}, {'frame': 1.5, 'x': 0, 'y': 0}]")).toEqual([
      { frame: 0, x: 10, y: 5.5 },
      { frame: 1.5, x: 0, y: 0 },
    ]);
    expect(parseFormJson("{'on': True, 'off': False, 'none': None, 'pair': (1, 2)}")).toEqual({
      on: true,
      off: false,
      none: null,
      pair: [1, 2],
    });
    expect(parseFormJson(`['it\\'s', 'say "hi"']`)).toEqual(["it's", 'say "hi"']);
  });

  test("refuses text that is neither", () => {
    for (const text of ["", "{not json", "['open", "[1, 2", "hello"])
      expect(parseFormJson(text)).toBeUndefined();
  });
});
