import { describe, expect, it } from "vitest";
import {
  ACKNOWLEDGED,
  type ClaimedNotice,
  NEVER_REACHED,
  RESOLVED,
  screenNotices,
} from "../../../worker/core/alerting/screening.ts";

/** Which claimed notices still go when they can (worker/core/alerting/screening.ts, docs/decisions/0035). */
function claimed(seq: number, alertId: string, notice: ClaimedNotice["notice"], more: Partial<ClaimedNotice> = {}) {
  return { seq, alertId, notice, status: notice === "resolve" ? "resolved" : "open", reached: false, ...more } as const;
}

describe("screening the notices claimed for a channel", () => {
  it("an open alert's notices and tests go as they are", () => {
    const out = screenNotices([claimed(1, "a", "trigger"), claimed(2, "test:1", "test", { status: null })]);
    expect(out).toEqual({ kept: [1, 2], superseded: new Map(), dropped: [], resolved: [] });
  });

  it("a trigger or reminder of an acknowledged or resolved alert is dropped, saying why", () => {
    const out = screenNotices([
      claimed(1, "a", "trigger", { status: "acknowledged" }),
      claimed(2, "b", "reminder", { status: "resolved" }),
    ]);
    expect(out.kept).toEqual([]);
    expect(out.dropped).toEqual([
      { seq: 1, reason: ACKNOWLEDGED },
      { seq: 2, reason: RESOLVED },
    ]);
  });

  it("a resolve goes when a trigger reached the channel; without one it is dropped with its trigger", () => {
    const out = screenNotices([
      claimed(1, "a", "trigger", { status: "resolved" }),
      claimed(2, "a", "resolve"),
      claimed(3, "b", "resolve", { reached: true }),
    ]);
    expect(out.kept).toEqual([3]);
    expect(out.dropped).toEqual([
      { seq: 1, reason: RESOLVED },
      { seq: 2, reason: NEVER_REACHED },
    ]);
    expect(out.resolved).toEqual(["a", "b"]);
  });

  it("reminders piled up for one alert: the latest goes, standing for the earlier ones", () => {
    const out = screenNotices([
      claimed(1, "a", "trigger"),
      claimed(2, "b", "trigger"),
      claimed(3, "a", "reminder"),
      claimed(4, "a", "reminder"),
    ]);
    expect(out.kept).toEqual([2, 4]);
    expect(out.superseded).toEqual(new Map([[4, [1, 3]]]));
  });
});
