import { describe, expect, it } from "vitest";
import { REPORT_EVERY_MS } from "../../worker/core/monitors/monitor-report.ts";
import {
  afterSignOfLife,
  NO_DATA_KEPT_MS,
  NO_DATA_MAX_SPANS,
  silenceLimitMs,
} from "../../worker/core/monitors/no-data.ts";

const now = Date.parse("2026-11-22T12:00:00Z");
const MIN = 60_000;

describe("silenceLimitMs", () => {
  it("is two report periods and a minute when the most frequent monitor checks more often than it reports", () => {
    expect(silenceLimitMs(10)).toBe(2 * REPORT_EVERY_MS + MIN);
    expect(silenceLimitMs(null)).toBe(2 * REPORT_EVERY_MS + MIN);
  });

  it("is two checks and a minute on a page whose most frequent monitor checks hourly", () => {
    expect(silenceLimitMs(3600)).toBe(121 * MIN);
  });
});

describe("afterSignOfLife", () => {
  const limit = silenceLimitMs(60);

  it("records a silence longer than the limit as no data, and nothing shorter", () => {
    expect(afterSignOfLife([], null, now, now, limit)).toEqual([]);
    expect(afterSignOfLife([], now - limit, now, now, limit)).toEqual([]);
    expect(afterSignOfLife([], now - limit - 1, now, now, limit)).toEqual([{ from: now - limit - 1, to: now }]);
  });

  it("calls the hour between two checks of hourly monitors observed, and a missed check no data", () => {
    const hourly = silenceLimitMs(3600);
    expect(afterSignOfLife([], now - 60 * MIN, now, now, hourly)).toEqual([]);
    expect(afterSignOfLife([], now - 180 * MIN, now, now, hourly)).toEqual([{ from: now - 180 * MIN, to: now }]);
  });

  it("forgets spans older than the bars and keeps the list short", () => {
    const old = { from: now - NO_DATA_KEPT_MS - 10, to: now - NO_DATA_KEPT_MS };
    expect(afterSignOfLife([old], now - 1000, now, now, limit)).toEqual([]);
    const many = Array.from({ length: NO_DATA_MAX_SPANS }, (_, i) => ({ from: now - 1e6 + i, to: now - 1e6 + i + 1 }));
    const after = afterSignOfLife(many, now - 2 * limit, now, now, limit);
    expect(after).toHaveLength(NO_DATA_MAX_SPANS);
    expect(after.at(-1)).toEqual({ from: now - 2 * limit, to: now });
    expect(after[0]).toEqual(many[1]);
  });
});
