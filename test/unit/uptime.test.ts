import { describe, expect, it } from "vitest";
import { DAY_MS, dailyUptime, formatUptime, uptimeOver } from "../../worker/core/uptime.ts";

const day0 = Date.parse("2026-11-01T00:00:00Z");
const hour = 3_600_000;

describe("dailyUptime", () => {
  it("gives one entry per day ending today, oldest first", () => {
    const days = dailyUptime({
      transitions: [{ at: 0, status: "operational" }],
      since: 0,
      now: day0 + 5 * hour,
      days: 3,
    });
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
    const [day] = dailyUptime({ transitions, since: 0, now: day0 + DAY_MS - 1, days: 1 });
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
    const days = dailyUptime({ transitions, since: day0 - 2 * DAY_MS, now: day0 + 2 * hour, days: 2 });
    expect(days[0]?.majorOutageSeconds).toBe(2 * 3600);
    expect(days[1]?.majorOutageSeconds).toBe(3600);
  });

  it("leaves maintenance out of the measured time", () => {
    const transitions = [
      { at: day0, status: "under_maintenance" as const },
      { at: day0 + 6 * hour, status: "operational" as const },
    ];
    const [day] = dailyUptime({ transitions, since: day0, now: day0 + 12 * hour, days: 1 });
    expect(day?.maintenanceSeconds).toBe(6 * 3600);
    expect(day?.measuredSeconds).toBe(6 * 3600);
    expect(day?.uptime).toBe(1);
    expect(day?.worst).toBe("under_maintenance");
  });

  it("has no data before the component existed", () => {
    const days = dailyUptime({
      transitions: [{ at: day0 + 12 * hour, status: "operational" }],
      since: day0 + 12 * hour,
      now: day0 + 18 * hour,
      days: 2,
    });
    expect(days[0]).toMatchObject({ uptime: null, worst: null, measuredSeconds: 0 });
    expect(days[1]).toMatchObject({ uptime: 1, measuredSeconds: 6 * 3600 });
  });

  it("uses the status in force when the window opens", () => {
    const days = dailyUptime({
      transitions: [{ at: day0 - 10 * DAY_MS, status: "major_outage" }],
      since: 0,
      now: day0 + hour,
      days: 1,
    });
    expect(days[0]).toMatchObject({ uptime: 0, majorOutageSeconds: 3600 });
  });
});

describe("uptimeOver and formatUptime", () => {
  it("weights days by measured time and never rounds a flawed figure up to 100 %", () => {
    const days = dailyUptime({
      transitions: [
        { at: day0 - 2 * DAY_MS, status: "operational" },
        { at: day0 + hour, status: "major_outage" },
        { at: day0 + hour + 1000, status: "operational" },
      ],
      since: day0 - 2 * DAY_MS,
      now: day0 + DAY_MS - 1,
      days: 2,
    });
    const ratio = uptimeOver(days);
    expect(ratio).not.toBeNull();
    expect(ratio).toBeLessThan(1);
    expect(formatUptime(ratio)).toBe("99.99%");
    expect(formatUptime(1)).toBe("100.00%");
    expect(formatUptime(null)).toBe("No data");
    expect(uptimeOver([])).toBeNull();
  });
});
