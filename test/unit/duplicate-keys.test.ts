import { describe, expect, it } from "vitest";
import { parseJsonRefusingDuplicates } from "../../worker/api/duplicate-keys.ts";

describe("parseJsonRefusingDuplicates", () => {
  it("parses JSON without duplicate keys exactly as JSON.parse does", () => {
    for (const text of [
      '{"name":"a","message":"b"}',
      ' { "a" : [ {"a":1}, {"a":2} ], "b": {"a": {"a": null}}, "c": "\\"}{,:" } ',
      "[1, 2.5e3, true, false, null]",
      '"just a string"',
      "{}",
      '{"tables":{"x":{"columns":["id","id"],"rows":[["a",1],["a",1]]}}}',
    ]) {
      expect(parseJsonRefusingDuplicates(text)).toEqual({ ok: true, value: JSON.parse(text) });
    }
  });

  it("names a duplicate key at the top level", () => {
    expect(parseJsonRefusingDuplicates('{"name":"a","name":"b"}')).toEqual({
      ok: false,
      duplicate: { key: "name", path: "name" },
    });
  });

  it("names a duplicate key inside nested objects and arrays, by its path", () => {
    const text = '{"followUps":[{"title":"a"},{"title":"b","owner":"x","title":"c"}]}';
    expect(parseJsonRefusingDuplicates(text)).toEqual({
      ok: false,
      duplicate: { key: "title", path: "followUps.1.title" },
    });
    expect(parseJsonRefusingDuplicates('{"components":{"api":"major_outage","api":"operational"}}')).toEqual({
      ok: false,
      duplicate: { key: "api", path: "components.api" },
    });
    expect(parseJsonRefusingDuplicates('[[{"a":1}],[{"b":1,"b":2}]]')).toEqual({
      ok: false,
      duplicate: { key: "b", path: "1.0.b" },
    });
  });

  it("compares keys as decoded text, so an escape does not hide a duplicate", () => {
    expect(parseJsonRefusingDuplicates('{"name":"a","\\u006eame":"b"}')).toEqual({
      ok: false,
      duplicate: { key: "name", path: "name" },
    });
  });

  it("does not count the same key in sibling objects, or key-like text inside strings", () => {
    expect(parseJsonRefusingDuplicates('{"a":{"x":1},"b":{"x":2},"c":"\\"a\\":1"}')).toMatchObject({ ok: true });
    expect(parseJsonRefusingDuplicates('{"a":"{\\"a\\":1,\\"a\\":2}"}')).toMatchObject({ ok: true });
  });

  it("reads a body as large as an import's (16 MB of long strings) in one pass", () => {
    const long = 'x\\"'.repeat(1_000_000);
    const text = JSON.stringify({ a: long, rows: Array.from({ length: 200_000 }, (_, i) => ({ id: i, v: "y" })) });
    expect(text.length).toBeGreaterThan(8_000_000);
    const parsed = parseJsonRefusingDuplicates(text);
    expect(parsed.ok).toBe(true);
    expect(parseJsonRefusingDuplicates(`{"a":"${long}","a":1}`)).toEqual({
      ok: false,
      duplicate: { key: "a", path: "a" },
    });
  });

  it("leaves invalid JSON to JSON.parse's own error", () => {
    expect(() => parseJsonRefusingDuplicates('{"a":')).toThrow(SyntaxError);
  });
});
