import { describe, expect, it } from "vitest";
import { hourlyMeans } from "../../worker/core/monitors/latency.ts";
import { tally } from "../../worker/core/uptime.ts";

const hour = 3_600_000;
const now = Date.parse("2026-11-22T12:00:00Z");

describe("hourlyMeans", () => {
  it("weights by checks, leaves empty hours null and ignores points outside the window", () => {
    const means = hourlyMeans(
      [
        { at: now - 30 * 60_000, checks: 1, meanMs: 100 },
        { at: now - 10 * 60_000, checks: 3, meanMs: 200 },
        { at: now - 2.5 * hour, checks: 5, meanMs: 50 },
        { at: now - 5 * hour, checks: 5, meanMs: 999 },
        { at: now - 20 * 60_000, checks: 2, meanMs: null },
      ],
      now,
      3,
    );
    expect(means).toEqual([50, null, 175]);
  });
});

describe("tally over a window", () => {
  it("weighs major and partial outages and skips maintenance, within the window only", () => {
    const transitions = [
      { at: now - 48 * hour, status: "operational" as const },
      { at: now - 10 * hour, status: "major_outage" as const },
      { at: now - 9 * hour, status: "partial_outage" as const },
      { at: now - 8 * hour, status: "under_maintenance" as const },
      { at: now - 6 * hour, status: "operational" as const },
    ];
    const ratio = tally({ transitions, since: 0 }, now - 24 * hour, now).uptime;
    const measured = 22 * hour;
    expect(ratio).toBeCloseTo((measured - hour - 0.3 * hour) / measured, 10);
    expect(tally({ transitions, since: 0 }, now - 2 * hour, now).uptime).toBe(1);
    expect(tally({ transitions, since: now }, now - 2 * hour, now).uptime).toBeNull();
  });
});
