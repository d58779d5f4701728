import { describe, expect, it } from "vitest";
import { fromMonitor } from "../../worker/console/declare-form.ts";
import { DEFAULT_SEVERITIES } from "../../worker/core/config/console-schema.ts";

const at = "2026-12-06T08:00:00.000Z";
const components = [{ id: "search", name: "Search", hidden: false }];
const monitor = (over: { state: "down" | "degraded"; downStatus: "partial_outage" | "major_outage" }) => ({
  id: "search-check",
  name: "search-check",
  components: ["search"],
  since: at,
  lastError: over.state === "degraded" ? "slow: 2100 ms" : "HTTP 503",
  failing: true,
  others: [],
  ...over,
});

describe("a declaration prefilled from a failing monitor states how bad it is", () => {
  it.each([
    {
      title: "a slow monitor: 'is slow', degraded performance, the minor severity",
      state: "degraded",
      downStatus: "major_outage",
      expected: { name: "Search is slow", components: { search: "degraded_performance" }, severity: "minor" },
    },
    {
      title: "a down monitor whose downStatus is partial_outage: 'is partly down', partial outage, minor",
      state: "down",
      downStatus: "partial_outage",
      expected: { name: "Search is partly down", components: { search: "partial_outage" }, severity: "minor" },
    },
    {
      title: "a down monitor whose downStatus is major_outage: 'is down', major outage, major",
      state: "down",
      downStatus: "major_outage",
      expected: { name: "Search is down", components: { search: "major_outage" }, severity: "major" },
    },
  ] as const)("$title", ({ state, downStatus, expected }) => {
    const fields = fromMonitor(monitor({ state, downStatus }), components, DEFAULT_SEVERITIES);
    expect({ name: fields.name, components: fields.components, severity: fields.severity }).toEqual(expected);
  });
});
