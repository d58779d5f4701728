import { describe, expect, it } from "vitest";
import { monitorStanding, type RegionState } from "../../worker/core/monitors/monitor-standing.ts";
import { combineRegions, defaultQuorum } from "../../worker/core/monitors/quorum.ts";
import type { MonitorState } from "../../worker/core/monitors/state-machine.ts";

const region = (over: Partial<RegionState>): RegionState => ({
  region: "weur",
  state: "up",
  since: "2026-12-06T01:00:00.000Z",
  lastReportAt: "2026-12-06T03:00:00.000Z",
  lastSummary: null,
  ...over,
});

describe("a monitor's standing across its regions", () => {
  it("is down when a quorum of regions is, since the quorum was reached, with a failing region's last error", () => {
    const standing = monitorStanding(
      [
        region({ region: "weur" }),
        region({ region: "enam", state: "down", since: "2026-12-06T02:10:00.000Z", lastSummary: "HTTP 503" }),
        region({ region: "apac", state: "down", since: "2026-12-06T02:05:00.000Z", lastSummary: "timeout" }),
      ],
      2,
    );
    expect(standing).toEqual({
      state: "down",
      // Down from the second region's fall: one region alone was not an outage.
      since: "2026-12-06T02:10:00.000Z",
      lastError: "HTTP 503",
      failing: true,
      others: [{ region: "weur", state: "up" }],
    });
  });

  it("is up, and not offered to declare, while one region of three is down (quorum 2): Lookout's own verdict", () => {
    const regions = [
      region({ region: "weur", state: "down", since: "2026-12-06T02:00:00.000Z", lastSummary: "HTTP 503" }),
      region({ region: "enam" }),
      region({ region: "apac" }),
    ];
    const verdict = combineRegions(
      regions.map((r) => r.state as MonitorState),
      defaultQuorum(3),
    );
    const standing = monitorStanding(regions, defaultQuorum(3));
    expect(verdict).toBe("up");
    expect(standing).toEqual({
      state: "up",
      since: "2026-12-06T01:00:00.000Z",
      lastError: null,
      failing: false,
      // The dissenting region stays visible, as a hint.
      others: [{ region: "weur", state: "down" }],
    });
  });

  it("is slow when a quorum is at least slow, down regions counting as slow", () => {
    const standing = monitorStanding(
      [
        region({ region: "weur", state: "down", since: "2026-12-06T02:00:00.000Z", lastSummary: "HTTP 503" }),
        region({ region: "enam", state: "degraded", since: "2026-12-06T02:30:00.000Z", lastSummary: "slow: 2100 ms" }),
        region({ region: "apac" }),
      ],
      2,
    );
    expect(standing).toMatchObject({ state: "degraded", since: "2026-12-06T02:30:00.000Z", failing: true });
    expect(standing.lastError).toBe("slow: 2100 ms");
  });

  it("is down with one region of one (quorum 1)", () => {
    const standing = monitorStanding([region({ region: "default", state: "down", lastSummary: "HTTP 500" })], 1);
    expect(standing).toMatchObject({ state: "down", lastError: "HTTP 500", failing: true, others: [] });
  });

  it("is up with no error when every region that reported is up", () => {
    expect(monitorStanding([region({}), region({ region: "enam", lastReportAt: null, state: "unknown" })], 2)).toEqual({
      state: "up",
      since: "2026-12-06T01:00:00.000Z",
      lastError: null,
      failing: false,
      others: [],
    });
  });

  it("has no data, and is not offered as failing, when nothing was heard yet or too few regions to call it", () => {
    expect(monitorStanding([region({ state: "unknown", lastReportAt: null, since: null })], 1).state).toBe("no_data");
    expect(monitorStanding([], 1).failing).toBe(false);
    // One region of three heard, and it says down: below the quorum of 2, Lookout waits, and so does the dashboard.
    const waiting = monitorStanding(
      [
        region({ region: "weur", state: "down" }),
        region({ region: "enam", state: "unknown", lastReportAt: null }),
        region({ region: "apac", state: "unknown", lastReportAt: null }),
      ],
      2,
    );
    expect(waiting).toMatchObject({ state: "no_data", failing: false, others: [{ region: "weur", state: "down" }] });
  });
});
