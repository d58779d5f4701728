import { describe, expect, it } from "vitest";
import { historyMonths, MAX_HISTORY_PAGE, monthStart } from "../../worker/core/history-months.ts";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const labels = (page: number, now: string, zone: string) => historyMonths(page, at(now), zone).map((m) => m.label);

describe("historyMonths", () => {
  it("page 1 is the current month and the two before it, newest first", () => {
    const months = historyMonths(1, at("2026-05-20T10:00:00Z"), "Etc/UTC");
    expect(months.map((m) => m.label)).toEqual(["May 2026", "April 2026", "March 2026"]);
    expect(months.map((m) => [m.year, m.month])).toEqual([
      [2026, 5],
      [2026, 4],
      [2026, 3],
    ]);
    expect(months.map((m) => [iso(m.fromMs), iso(m.toMs)])).toEqual([
      ["2026-05-01T00:00:00.000Z", "2026-06-01T00:00:00.000Z"],
      ["2026-04-01T00:00:00.000Z", "2026-05-01T00:00:00.000Z"],
      ["2026-03-01T00:00:00.000Z", "2026-04-01T00:00:00.000Z"],
    ]);
  });

  it("page N is the three months before page N-1, with no gap or overlap", () => {
    const now = at("2026-05-20T10:00:00Z");
    for (let page = 1; page < 12; page++) {
      const newer = historyMonths(page, now, "Europe/Berlin");
      const older = historyMonths(page + 1, now, "Europe/Berlin");
      expect(older[0]?.toMs).toBe(newer[2]?.fromMs);
      for (const months of [newer, older]) {
        expect(months[1]?.toMs).toBe(months[0]?.fromMs);
        expect(months[2]?.toMs).toBe(months[1]?.fromMs);
      }
    }
    expect(labels(2, "2026-05-20T10:00:00Z", "Etc/UTC")).toEqual(["February 2026", "January 2026", "December 2025"]);
    expect(labels(3, "2026-05-20T10:00:00Z", "Etc/UTC")).toEqual(["November 2025", "October 2025", "September 2025"]);
  });

  it("crosses year boundaries", () => {
    expect(labels(1, "2026-01-15T12:00:00Z", "Etc/UTC")).toEqual(["January 2026", "December 2025", "November 2025"]);
    expect(labels(1, "2026-02-15T12:00:00Z", "Etc/UTC")).toEqual(["February 2026", "January 2026", "December 2025"]);
    expect(labels(2, "2026-01-15T12:00:00Z", "Etc/UTC")).toEqual(["October 2025", "September 2025", "August 2025"]);
    expect(labels(5, "2026-03-01T00:00:00Z", "Etc/UTC")).toEqual(["March 2025", "February 2025", "January 2025"]);
    const december = historyMonths(1, at("2025-12-31T12:00:00Z"), "Etc/UTC")[0];
    expect(december && [iso(december.fromMs), iso(december.toMs)]).toEqual([
      "2025-12-01T00:00:00.000Z",
      "2026-01-01T00:00:00.000Z",
    ]);
  });

  it("takes the current month from the page's time zone, not UTC", () => {
    // 23:30 UTC on New Year's Eve is already January in Berlin, still December in New York.
    const now = "2025-12-31T23:30:00Z";
    expect(labels(1, now, "Europe/Berlin")[0]).toBe("January 2026");
    expect(labels(1, now, "Etc/UTC")[0]).toBe("December 2025");
    // 03:00 UTC on 1 January is still New Year's Eve in New York.
    expect(labels(1, "2026-01-01T03:00:00Z", "America/New_York")).toEqual([
      "December 2025",
      "November 2025",
      "October 2025",
    ]);
  });

  it("starts each month at local midnight, following summer time", () => {
    const [january, december] = historyMonths(1, at("2026-01-10T00:00:00Z"), "Europe/Berlin");
    expect(iso(january?.fromMs ?? 0)).toBe("2025-12-31T23:00:00.000Z");
    expect(iso(december?.fromMs ?? 0)).toBe("2025-11-30T23:00:00.000Z");
    expect(iso(monthStart(2026, 4, "Europe/Berlin"))).toBe("2026-03-31T22:00:00.000Z");
    expect(iso(monthStart(2026, 4, "America/New_York"))).toBe("2026-04-01T04:00:00.000Z");
    expect(iso(monthStart(2026, 1, "America/New_York"))).toBe("2026-01-01T05:00:00.000Z");
    // Zones off the hour, and the far sides of the date line.
    expect(iso(monthStart(2026, 4, "Asia/Kathmandu"))).toBe("2026-03-31T18:15:00.000Z");
    expect(iso(monthStart(2026, 4, "Pacific/Kiritimati"))).toBe("2026-03-31T10:00:00.000Z");
    expect(iso(monthStart(2026, 4, "Pacific/Pago_Pago"))).toBe("2026-04-01T11:00:00.000Z");
  });

  it("starts a month whose midnight a clock change skipped at the change", () => {
    // Asunción moved from -04 to -03 at midnight on 1 October 2023: the month began at 01:00 local.
    expect(iso(monthStart(2023, 10, "America/Asuncion"))).toBe("2023-10-01T04:00:00.000Z");
  });

  it("reaches back as far as the last page, and falls back to UTC for an unknown zone", () => {
    const last = historyMonths(MAX_HISTORY_PAGE, at("2026-05-20T10:00:00Z"), "Etc/UTC");
    expect(last.map((m) => m.label)).toEqual(["August 1776", "July 1776", "June 1776"]);
    expect(iso(last[2]?.fromMs ?? 0)).toBe("1776-06-01T00:00:00.000Z");
    expect(historyMonths(1, at("2025-12-31T23:30:00Z"), "Not/A_Zone")).toEqual(
      historyMonths(1, at("2025-12-31T23:30:00Z"), "Etc/UTC"),
    );
  });
});
