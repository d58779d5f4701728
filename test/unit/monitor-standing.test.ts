import { describe, expect, it } from "vitest";
import { monitorStanding, type RegionState } from "../../worker/core/monitors/monitor-standing.ts";

const region = (over: Partial<RegionState>): RegionState => ({
  region: "weur",
  state: "up",
  since: "2026-12-06T01:00:00.000Z",
  lastReportAt: "2026-12-06T03:00:00.000Z",
  lastSummary: null,
  ...over,
});

describe("a monitor's standing across its regions", () => {
  it("is down when any region is, since the earliest down region, with its last error", () => {
    const standing = monitorStanding([
      region({ region: "weur" }),
      region({ region: "enam", state: "down", since: "2026-12-06T02:10:00.000Z", lastSummary: "HTTP 503" }),
      region({ region: "apac", state: "down", since: "2026-12-06T02:05:00.000Z", lastSummary: "timeout" }),
    ]);
    expect(standing).toEqual({
      state: "down",
      since: "2026-12-06T02:05:00.000Z",
      lastError: "HTTP 503",
      failing: true,
    });
  });

  it("is up with no error when every region that reported is up", () => {
    expect(monitorStanding([region({}), region({ region: "enam", lastReportAt: null, state: "unknown" })])).toEqual({
      state: "up",
      since: "2026-12-06T01:00:00.000Z",
      lastError: null,
      failing: false,
    });
  });

  it("has no data, and is not offered as failing, when nothing was heard yet", () => {
    expect(monitorStanding([region({ state: "unknown", lastReportAt: null, since: null })]).state).toBe("no_data");
    expect(monitorStanding([]).failing).toBe(false);
  });
});
