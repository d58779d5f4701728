import { describe, expect, it } from "vitest";
import { DAY_MS, dailyUptime, type Timeline, uptimeWindows } from "../../worker/core/uptime.ts";
import { coverageWords, dayDetails, windowCaption } from "../../worker/views/uptime-words.ts";

const now = Date.parse("2026-11-22T12:00:00Z");
const hour = 3_600_000;

function windowsOf(timeline: Timeline) {
  return new Map(uptimeWindows(timeline, now).map((w) => [w.label, w]));
}

describe("the words around uptime figures", () => {
  it("says how much data a window covers when it is less than the window", () => {
    const young = windowsOf({ transitions: [{ at: now - 20 * DAY_MS, status: "operational" }], since: 0 });
    const ninety = young.get("90 days");
    if (!ninety) throw new Error("no 90-day window");
    expect(coverageWords(ninety)).toBe("20 days of data");
    expect(windowCaption(ninety, "90 days")).toBe("100.00% uptime over 20 days of data in the last 90 days");
    // Fully covered: no qualifier.
    const week = young.get("7 days");
    if (!week) throw new Error("no 7-day window");
    expect(coverageWords(week)).toBeNull();
    expect(windowCaption(week, "7 days")).toBe("100.00% uptime over the last 7 days");
  });

  it("never says 0 s of data beside a percentage: a component a few seconds old has less than a minute", () => {
    const fresh = windowsOf({ transitions: [{ at: now - 300, status: "operational" }], since: 0 });
    const ninety = fresh.get("90 days");
    if (!ninety) throw new Error("no 90-day window");
    expect(windowCaption(ninety, "90 days")).toBe("100.00% uptime over less than a minute of data in the last 90 days");
  });

  it("says no data when nothing was observed", () => {
    const unborn = windowsOf({ transitions: [], since: now });
    const day = unborn.get("24 hours");
    if (!day) throw new Error("no 24-hour window");
    expect(windowCaption(day, "24 hours")).toBe("No data in the last 24 hours");
  });

  it("gives each day its figure, its coverage and what happened", () => {
    const days = dailyUptime(
      {
        transitions: [
          { at: now - 2 * hour, status: "operational" },
          { at: now - hour, status: "partial_outage" },
          { at: now - hour + 10 * 60_000, status: "operational" },
        ],
        since: now - 2 * hour,
      },
      now,
      2,
    );
    expect(days.map(dayDetails)).toEqual([
      "no data",
      // 2 h observed, 10 min partial outage at 30 %: 3 min down of 120.
      "97.50% uptime over 2 h of data; partial outage 10 min",
    ]);
  });
});
