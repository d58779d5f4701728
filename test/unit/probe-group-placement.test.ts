import { describe, expect, it } from "vitest";
import { type Placement, placeInstances } from "../../worker/core/monitors/probe-groups.ts";

const http = (monitorId: string, intervalSeconds: number, group: string | null = null): Placement => ({
  monitorId,
  region: "default",
  kind: "http",
  intervalSeconds,
  group,
});

const placed = (instances: Placement[]) =>
  Object.fromEntries([...placeInstances(instances)].map(([p, group]) => [p.monitorId, group]));

describe("probe group placement", () => {
  it("puts monitors of one interval together and another interval in a group of its own", () => {
    expect(placed([http("a", 60), http("b", 10), http("c", 60), http("d", 10)])).toEqual({
      a: "group:1@default",
      b: "group:2@default",
      c: "group:1@default",
      d: "group:2@default",
    });
  });

  it("moves a monitor whose interval changed out of its group, and leaves the others where they are", () => {
    expect(
      placed([http("a", 60, "group:1@default"), http("b", 10, "group:1@default"), http("c", 60, "group:1@default")]),
    ).toEqual({ b: "group:2@default" });
  });

  it("fills a group of its interval before opening another", () => {
    const full = Array.from({ length: 20 }, (_, i) => http(`m${i}`, 60, "group:1@default"));
    expect(placed([...full, http("late", 60), http("quick", 30)])).toEqual({
      late: "group:2@default",
      quick: "group:3@default",
    });
  });
});
