import { describe, expect, it } from "vitest";
import { describeExpected, statusMatches } from "../../worker/core/probes/expected-status.ts";
import { lookupJsonPath } from "../../worker/core/probes/json-path.ts";

describe("statusMatches", () => {
  it("matches an exact code", () => {
    expect(statusMatches(200, [200])).toBe(true);
    expect(statusMatches(204, [200])).toBe(false);
  });

  it("matches a class", () => {
    expect(statusMatches(200, ["2xx"])).toBe(true);
    expect(statusMatches(299, ["2xx"])).toBe(true);
    expect(statusMatches(301, ["2xx"])).toBe(false);
    expect(statusMatches(503, ["5xx"])).toBe(true);
  });

  it("matches an inclusive range", () => {
    expect(statusMatches(200, ["200-299"])).toBe(true);
    expect(statusMatches(299, ["200-299"])).toBe(true);
    expect(statusMatches(300, ["200-299"])).toBe(false);
    expect(statusMatches(199, ["200-299"])).toBe(false);
  });

  it("matches when any entry does", () => {
    expect(statusMatches(401, [200, "3xx", "401-403"])).toBe(true);
    expect(statusMatches(404, [200, "3xx", "401-403"])).toBe(false);
  });

  it("writes the expectation as configured", () => {
    expect(describeExpected(["2xx"])).toBe("2xx");
    expect(describeExpected([200, "301-302"])).toBe("200, 301-302");
  });
});

describe("lookupJsonPath", () => {
  const body = { status: "ok", checks: { db: { status: "down", ms: 3 } }, items: [{ up: true }], empty: null };

  it("follows dotted paths", () => {
    expect(lookupJsonPath(body, "status")).toEqual({ found: true, value: "ok" });
    expect(lookupJsonPath(body, "checks.db.status")).toEqual({ found: true, value: "down" });
    expect(lookupJsonPath(body, "checks.db")).toEqual({ found: true, value: { status: "down", ms: 3 } });
  });

  it("indexes arrays with digit segments", () => {
    expect(lookupJsonPath(body, "items.0.up")).toEqual({ found: true, value: true });
    expect(lookupJsonPath(body, "items.1.up")).toEqual({ found: false });
  });

  it("finds null as a value, and says when a path is not there", () => {
    expect(lookupJsonPath(body, "empty")).toEqual({ found: true, value: null });
    expect(lookupJsonPath(body, "empty.x")).toEqual({ found: false });
    expect(lookupJsonPath(body, "checks.cache.status")).toEqual({ found: false });
    expect(lookupJsonPath("ok", "status")).toEqual({ found: false });
  });

  it("never finds inherited properties", () => {
    expect(lookupJsonPath(body, "constructor")).toEqual({ found: false });
    expect(lookupJsonPath(body, "status.length")).toEqual({ found: false });
    expect(lookupJsonPath(body, "items.length")).toEqual({ found: false });
  });
});
