import { describe, expect, it } from "vitest";
import {
  afterSignOfLife,
  NO_DATA_AFTER_MS,
  NO_DATA_KEPT_MS,
  NO_DATA_MAX_SPANS,
} from "../../worker/core/monitors/no-data.ts";

const now = Date.parse("2026-11-22T12:00:00Z");

describe("afterSignOfLife", () => {
  it("records a silence longer than two report periods as no data, and nothing shorter", () => {
    expect(afterSignOfLife([], null, now, now)).toEqual([]);
    expect(afterSignOfLife([], now - NO_DATA_AFTER_MS, now, now)).toEqual([]);
    expect(afterSignOfLife([], now - NO_DATA_AFTER_MS - 1, now, now)).toEqual([
      { from: now - NO_DATA_AFTER_MS - 1, to: now },
    ]);
  });

  it("forgets spans older than the bars and keeps the list short", () => {
    const old = { from: now - NO_DATA_KEPT_MS - 10, to: now - NO_DATA_KEPT_MS };
    expect(afterSignOfLife([old], now - 1000, now, now)).toEqual([]);
    const many = Array.from({ length: NO_DATA_MAX_SPANS }, (_, i) => ({ from: now - 1e6 + i, to: now - 1e6 + i + 1 }));
    const after = afterSignOfLife(many, now - 2 * NO_DATA_AFTER_MS, now, now);
    expect(after).toHaveLength(NO_DATA_MAX_SPANS);
    expect(after.at(-1)).toEqual({ from: now - 2 * NO_DATA_AFTER_MS, to: now });
    expect(after[0]).toEqual(many[1]);
  });
});
