import { describe, expect, it } from "vitest";
import type { ComponentView } from "../../worker/core/read-model.ts";
import { DAY_MS, dailyUptime, type Timeline, uptimeWindows } from "../../worker/core/uptime.ts";
import { UptimeBars } from "../../worker/views/uptime-bars.tsx";

const now = Date.parse("2026-11-22T12:00:00Z");
const today = now - 12 * 3_600_000;

function component(timeline: Timeline): ComponentView {
  return {
    id: "api",
    name: "API",
    description: null,
    groupId: null,
    position: 1,
    status: "operational",
    onlyShowIfDegraded: false,
    startDate: null,
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
    uptimeDays: dailyUptime(timeline, now, 90),
    uptimeWindows: uptimeWindows(timeline, now),
    latencyHourly: [],
  };
}

const titles = async (view: ComponentView) =>
  [...(await (<UptimeBars component={view} />).toString()).matchAll(/<title>([^<]+)<\/title>/g)].map((m) => m[1]);

describe("UptimeBars", () => {
  it("gives a day with data for only part of it a bar of its own that says how much", async () => {
    const timeline: Timeline = {
      transitions: [{ at: today - 100 * DAY_MS, status: "operational" }],
      since: 0,
      // Lookout did not run for 18 hours two days ago.
      noData: [{ from: today - 2 * DAY_MS, to: today - 2 * DAY_MS + 18 * 3_600_000 }],
    };
    expect(await titles(component(timeline))).toEqual([
      "25 Aug 2026 – 19 Nov 2026: no downtime recorded",
      "20 Nov 2026: no downtime recorded in 6 h of data",
      "21 Nov 2026 – 22 Nov 2026: no downtime recorded",
    ]);
  });

  it("captions the bars with the 90-day window, the figure the component page lists", async () => {
    const view = component({ transitions: [{ at: now - 3_600_000, status: "operational" }], since: 0 });
    const html = await (<UptimeBars component={view} />).toString();
    expect(html).toContain('aria-label="API: 100.00% uptime over 1 h of data in the last 90 days"');
    expect(await titles(view)).toEqual([
      "25 Aug 2026 – 21 Nov 2026: no data",
      "22 Nov 2026: no downtime recorded in 1 h of data",
    ]);
  });
});
