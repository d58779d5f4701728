import { describe, expect, it } from "vitest";
import { type DueNotice, nextSendAt, planMessages } from "../../../worker/core/alerting/grouping.ts";

/** How due notices become messages (worker/core/alerting/grouping.ts, docs/decisions/0035). */
function due(seq: number, alertId: string, notice: DueNotice["notice"], more: Partial<DueNotice> = {}): DueNotice {
  return {
    seq,
    alertId,
    notice,
    resolved: notice === "resolve",
    thread: null,
    othersOpen: false,
    triggerWaiting: false,
    ...more,
  };
}

describe("grouping for channels without threads", () => {
  it("everything due is one message, named after its first alert", () => {
    const plan = planMessages([due(1, "a", "trigger"), due(2, "b", "trigger"), due(3, "c", "resolve")], false);
    expect(plan).toEqual({ messages: [{ thread: "a", opens: false, seqs: [1, 2, 3] }], skipped: [], deferred: [] });
  });

  it("a resolve whose trigger is still being sent waits for it: 'recovered' never arrives before 'down'", () => {
    const plan = planMessages([due(1, "a", "trigger"), due(2, "b", "resolve", { triggerWaiting: true })], false);
    expect(plan).toEqual({ messages: [{ thread: "a", opens: false, seqs: [1] }], skipped: [], deferred: [2] });
  });

  it("nothing due is no message", () => {
    expect(planMessages([], false).messages).toEqual([]);
  });
});

describe("threads for PagerDuty and Opsgenie", () => {
  it("new triggers open one thread named after the first; a known alert's reminder goes in its own", () => {
    const plan = planMessages(
      [due(1, "a", "trigger"), due(2, "old", "reminder", { thread: "t0" }), due(3, "b", "trigger")],
      true,
    );
    expect(plan.messages).toEqual([
      { thread: "t0", opens: false, seqs: [2] },
      { thread: "a", opens: true, seqs: [1, 3] },
    ]);
  });

  it("a resolve goes in its thread when no other alert of it is open", () => {
    const plan = planMessages([due(5, "a", "resolve", { thread: "t1" })], true);
    expect(plan.messages).toEqual([{ thread: "t1", opens: false, seqs: [5] }]);
  });

  it("a resolve while another alert of its thread is open is settled without a request", () => {
    const plan = planMessages([due(5, "a", "resolve", { thread: "t1", othersOpen: true })], true);
    expect(plan.messages).toEqual([]);
    expect(plan.skipped).toEqual([{ seq: 5, reason: expect.stringContaining("t1 has other open alerts") }]);
  });

  it("a trigger and its resolve due together: the trigger opens the thread, the resolve closes it after", () => {
    const plan = planMessages([due(1, "a", "trigger", { resolved: true }), due(2, "a", "resolve")], true);
    expect(plan.messages).toEqual([
      { thread: "a", opens: true, seqs: [1] },
      { thread: "a", opens: false, seqs: [2] },
    ]);
  });

  it("one resolve of a new thread waits while another alert opened with it is still open", () => {
    const plan = planMessages(
      [due(1, "a", "trigger"), due(2, "b", "trigger", { resolved: true }), due(3, "b", "resolve")],
      true,
    );
    expect(plan.messages).toEqual([{ thread: "a", opens: true, seqs: [1, 2] }]);
    expect(plan.skipped.map((s) => s.seq)).toEqual([3]);
  });

  it("a resolve whose trigger still waits in the outbox waits for it; with none, nothing is sent", () => {
    const plan = planMessages([due(1, "a", "resolve", { triggerWaiting: true }), due(2, "b", "resolve")], true);
    expect(plan.messages).toEqual([]);
    expect(plan.deferred).toEqual([1]);
    expect(plan.skipped).toEqual([{ seq: 2, reason: "no trigger about it reached this channel" }]);
  });

  it("a test is a message of its own", () => {
    const plan = planMessages([due(1, "a", "trigger"), due(2, "test:1", "test")], true);
    expect(plan.messages).toEqual([
      { thread: "test:1", opens: false, seqs: [2] },
      { thread: "a", opens: true, seqs: [1] },
    ]);
  });
});

describe("when a channel may send again", () => {
  const slack = { kind: "slack" as const, groupSeconds: 30 };
  it("a delivered message opens the window", () => {
    expect(nextSendAt(1_000, slack, { outcome: "sent" })).toBe(31_000);
  });
  it("a failed one does not, but the provider's spacing holds", () => {
    expect(nextSendAt(1_000, slack, { outcome: "temporary" })).toBe(2_000);
    expect(nextSendAt(1_000, { kind: "webhook", groupSeconds: 30 }, { outcome: "permanent" })).toBe(1_000);
  });
  it("a window of 0 still keeps Slack's one message a second", () => {
    expect(nextSendAt(1_000, { kind: "slack", groupSeconds: 0 }, { outcome: "sent" })).toBe(2_000);
  });
  it("a Retry-After longer than the window holds the channel that long", () => {
    expect(nextSendAt(1_000, slack, { outcome: "temporary", retryAfterMs: 120_000 })).toBe(121_000);
    expect(nextSendAt(1_000, slack, { outcome: "sent", retryAfterMs: 5_000 })).toBe(31_000);
  });
  it("but never for more than a day", () => {
    expect(nextSendAt(0, slack, { outcome: "temporary", retryAfterMs: 10 * 86_400_000 })).toBe(86_400_000);
  });
});
