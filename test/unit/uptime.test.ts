import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DAY_MS,
  type DayUptime,
  dailyUptime,
  formatUptime,
  partlyObserved,
  sumTallies,
  type Timeline,
  tally,
  uptimeWindows,
} from "../../worker/core/uptime.ts";

const day0 = Date.parse("2026-11-01T00:00:00Z");
const hour = 3_600_000;

describe("dailyUptime", () => {
  it("gives one entry per day ending today, oldest first", () => {
    const days = dailyUptime({ transitions: [{ at: 0, status: "operational" }], since: 0 }, day0 + 5 * hour, 3);
    expect(days.map((d) => d.date)).toEqual(["2026-10-30", "2026-10-31", "2026-11-01"]);
    expect(days.every((d) => d.uptime === 1)).toBe(true);
    // Today counts only the hours that have passed.
    expect(days[2]?.measuredSeconds).toBe(5 * 3600);
  });

  it("counts major outage fully and partial outage at 30 %, degraded as up", () => {
    const transitions = [
      { at: day0 - DAY_MS, status: "operational" as const },
      { at: day0 + 1 * hour, status: "major_outage" as const },
      { at: day0 + 3 * hour, status: "partial_outage" as const },
      { at: day0 + 13 * hour, status: "degraded_performance" as const },
      { at: day0 + 14 * hour, status: "operational" as const },
    ];
    const [day] = dailyUptime({ transitions, since: 0 }, day0 + DAY_MS - 1, 1);
    expect(day?.majorOutageSeconds).toBe(2 * 3600);
    expect(day?.partialOutageSeconds).toBe(10 * 3600);
    expect(day?.degradedSeconds).toBe(3600);
    expect(day?.worst).toBe("major_outage");
    const measured = (DAY_MS - 1) / 1000;
    expect(day?.uptime).toBeCloseTo((measured - 2 * 3600 - 0.3 * 10 * 3600) / measured, 10);
  });

  it("splits an outage across midnight into both days", () => {
    const transitions = [
      { at: day0 - 2 * hour, status: "major_outage" as const },
      { at: day0 + 1 * hour, status: "operational" as const },
    ];
    const days = dailyUptime({ transitions, since: day0 - 2 * DAY_MS }, day0 + 2 * hour, 2);
    expect(days[0]?.majorOutageSeconds).toBe(2 * 3600);
    expect(days[1]?.majorOutageSeconds).toBe(3600);
  });

  it("leaves maintenance out of the measured time", () => {
    const transitions = [
      { at: day0, status: "under_maintenance" as const },
      { at: day0 + 6 * hour, status: "operational" as const },
    ];
    const [day] = dailyUptime({ transitions, since: day0 }, day0 + 12 * hour, 1);
    expect(day?.maintenanceSeconds).toBe(6 * 3600);
    expect(day?.measuredSeconds).toBe(6 * 3600);
    expect(day?.uptime).toBe(1);
    expect(day?.worst).toBe("under_maintenance");
  });

  it("has no data before the component existed", () => {
    const days = dailyUptime(
      { transitions: [{ at: day0 + 12 * hour, status: "operational" }], since: day0 + 12 * hour },
      day0 + 18 * hour,
      2,
    );
    expect(days[0]).toMatchObject({ uptime: null, worst: null, measuredSeconds: 0 });
    expect(days[1]).toMatchObject({ uptime: 1, measuredSeconds: 6 * 3600 });
  });

  it("uses the status in force when the window opens", () => {
    const days = dailyUptime(
      { transitions: [{ at: day0 - 10 * DAY_MS, status: "major_outage" }], since: 0 },
      day0 + hour,
      1,
    );
    expect(days[0]).toMatchObject({ uptime: 0, majorOutageSeconds: 3600 });
  });
});

describe("sumTallies and formatUptime", () => {
  it("weights days by measured time and never rounds a flawed figure up to 100 %", () => {
    const days = dailyUptime(
      {
        transitions: [
          { at: day0 - 2 * DAY_MS, status: "operational" },
          { at: day0 + hour, status: "major_outage" },
          { at: day0 + hour + 1000, status: "operational" },
        ],
        since: day0 - 2 * DAY_MS,
      },
      day0 + DAY_MS - 1,
      2,
    );
    const ratio = sumTallies(days).uptime;
    expect(ratio).not.toBeNull();
    expect(ratio).toBeLessThan(1);
    expect(formatUptime(ratio)).toBe("99.99%");
    expect(formatUptime(1)).toBe("100.00%");
    expect(formatUptime(null)).toBe("No data");
    expect(sumTallies([]).uptime).toBeNull();
  });
});

describe("one definition for every window", () => {
  // Created an hour ago; a 2-minute major outage half an hour ago.
  const now = day0 + 15 * hour;
  const timeline: Timeline = {
    transitions: [
      { at: now - hour, status: "operational" },
      { at: now - 30 * 60_000, status: "major_outage" },
      { at: now - 28 * 60_000, status: "operational" },
    ],
    since: now - hour,
  };

  it("counts only the time the component existed: every window gives the same figure over the hour observed", () => {
    const windows = uptimeWindows(timeline, now);
    expect(windows.map((w) => w.label)).toEqual(["24 hours", "7 days", "30 days", "90 days"]);
    for (const w of windows) {
      expect(w.observedSeconds, w.label).toBe(3600);
      expect(w.majorOutageSeconds, w.label).toBe(120);
      expect(formatUptime(w.uptime), w.label).toBe("96.66%");
      expect(partlyObserved(w), w.label).toBe(true);
    }
    expect(windows.find((w) => w.label === "90 days")?.spanSeconds).toBe((89 * DAY_MS + 15 * hour) / 1000);
  });

  it("makes each N-day window the sum of the last N days the bars show", () => {
    const long: Timeline = {
      transitions: [
        { at: day0 - 100 * DAY_MS, status: "operational" },
        { at: day0 - 20 * DAY_MS, status: "partial_outage" },
        { at: day0 - 20 * DAY_MS + 5 * hour, status: "operational" },
        { at: day0 - 3 * DAY_MS, status: "major_outage" },
        { at: day0 - 3 * DAY_MS + hour, status: "under_maintenance" },
        { at: day0 - 3 * DAY_MS + 2 * hour, status: "operational" },
      ],
      since: day0 - 100 * DAY_MS,
    };
    const days = dailyUptime(long, now, 90);
    for (const w of uptimeWindows(long, now).slice(1)) {
      const n = Number.parseInt(w.label, 10);
      const sum = sumTallies(days.slice(-n));
      expect(w.uptime, w.label).toBeCloseTo(sum.uptime ?? Number.NaN, 12);
      expect(w.measuredSeconds, w.label).toBeCloseTo(sum.measuredSeconds, 6);
      expect(partlyObserved(w), w.label).toBe(false);
    }
  });

  it("leaves time without data out of the figure, neither up nor down", () => {
    const gap = { from: now - 40 * 60_000, to: now - 10 * 60_000 };
    const [day] = dailyUptime({ ...timeline, noData: [gap] }, now, 1);
    // The outage fell inside the gap: nothing of it was observed.
    expect(day).toMatchObject({ observedSeconds: 1800, majorOutageSeconds: 0, uptime: 1 });
    expect(partlyObserved(day as DayUptime)).toBe(true);
  });

  it("gives the window's start and the same instant's figures for the 24-hour window", () => {
    const [last24] = uptimeWindows(timeline, now);
    expect(last24?.from).toBe(new Date(now - 24 * hour).toISOString());
    expect(tally(timeline, now - 24 * hour, now)).toEqual(
      expect.objectContaining({ uptime: last24?.uptime, spanSeconds: 86_400 }),
    );
  });
});

describe("tally over a long history", () => {
  const statuses = [
    "operational",
    "degraded_performance",
    "partial_outage",
    "major_outage",
    "under_maintenance",
  ] as const;

  it("gives every window the same figure as summing the whole history's segments inside it", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 10 * DAY_MS }), fc.constantFrom(...statuses)), { maxLength: 60 }),
        fc.integer({ min: 0, max: 10 * DAY_MS }),
        fc.integer({ min: 0, max: 10 * DAY_MS }),
        (raw, a, b) => {
          const transitions = [...raw].sort((x, y) => x[0] - y[0]).map(([at, status]) => ({ at, status }));
          const timeline: Timeline = { transitions, since: 0 };
          const [from, to] = a <= b ? [a, b] : [b, a];
          // The reference: every segment of the history, clipped to [from, to), none skipped.
          const pieces = transitions.map((t, i) =>
            tally({ transitions: [t], since: 0 }, Math.max(from, t.at), Math.min(to, transitions[i + 1]?.at ?? to)),
          );
          const expected = sumTallies(pieces);
          const actual = tally(timeline, from, to);
          expect(actual.observedSeconds).toBeCloseTo(expected.observedSeconds, 6);
          expect(actual.majorOutageSeconds).toBeCloseTo(expected.majorOutageSeconds, 6);
          expect(actual.partialOutageSeconds).toBeCloseTo(expected.partialOutageSeconds, 6);
          expect(actual.maintenanceSeconds).toBeCloseTo(expected.maintenanceSeconds, 6);
          expect(actual.worst).toBe(expected.worst);
        },
      ),
    );
  });
});
