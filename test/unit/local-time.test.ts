import { describe, expect, it } from "vitest";
import { instantToLocal, localToInstant } from "../../worker/core/local-time.ts";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

describe("datetime-local fields read in the page's time zone", () => {
  it("reads a wall time in the zone's winter and summer offsets", () => {
    expect(iso(localToInstant("2026-12-24T22:00", "Europe/Berlin"))).toBe("2026-12-24T21:00:00.000Z");
    expect(iso(localToInstant("2026-07-01T09:30", "Europe/Berlin"))).toBe("2026-07-01T07:30:00.000Z");
    expect(iso(localToInstant("2026-07-01T09:30", "America/New_York"))).toBe("2026-07-01T13:30:00.000Z");
    expect(iso(localToInstant("2026-07-01T09:30", "Asia/Kolkata"))).toBe("2026-07-01T04:00:00.000Z");
    expect(iso(localToInstant("2026-07-01T09:30", "UTC"))).toBe("2026-07-01T09:30:00.000Z");
  });

  it("takes the first of a time that happens twice, and moves a skipped time past the jump", () => {
    // Berlin: clocks go back at 03:00 CEST on 25 Oct 2026 (02:30 happens at 00:30Z and 01:30Z).
    expect(iso(localToInstant("2026-10-25T02:30", "Europe/Berlin"))).toBe("2026-10-25T00:30:00.000Z");
    // Berlin: clocks go forward at 02:00 CET on 29 Mar 2026; 02:30 never happens and reads as 03:30 CEST.
    expect(iso(localToInstant("2026-03-29T02:30", "Europe/Berlin"))).toBe("2026-03-29T01:30:00.000Z");
  });

  it("refuses what is not a real date and time", () => {
    for (const text of [
      "",
      "tomorrow",
      "2026-02-31T10:00",
      "2026-13-01T10:00",
      "2026-01-01T24:00",
      "2026-01-01 10:00",
    ]) {
      expect(localToInstant(text, "Europe/Berlin"), text).toBeNull();
    }
  });

  it("writes an instant back as the zone's wall time, the inverse of reading it", () => {
    expect(instantToLocal(Date.parse("2026-12-24T21:00:00Z"), "Europe/Berlin")).toBe("2026-12-24T22:00");
    expect(instantToLocal(Date.parse("2026-07-01T04:00:00Z"), "Asia/Kolkata")).toBe("2026-07-01T09:30");
    for (const local of ["2026-01-15T08:05", "2026-06-30T23:59", "2026-10-25T01:59"]) {
      expect(instantToLocal(localToInstant(local, "Europe/Berlin") as number, "Europe/Berlin")).toBe(local);
    }
  });
});
