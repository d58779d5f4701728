import { describe, expect, it } from "vitest";
import type { AlertChannelKind } from "../../../worker/core/alerting/channels.ts";
import { escalate, escalationKeys, restartedEscalation } from "../../../worker/core/alerting/escalation.ts";
import type { EscalationPolicy } from "../../../worker/core/alerting/policies.ts";

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 1);
const KINDS: Record<string, AlertChannelKind> = { slack: "slack", mail: "email", pd: "pagerduty", ntfy: "ntfy" };
const kindOf = (id: string) => KINDS[id];

/** The critical policy a warning moves to when it gets worse: Slack, mail at 5 min, PagerDuty at 15 (a handover). */
const critical: EscalationPolicy = {
  id: "page-me",
  steps: [
    { afterMinutes: 0, channels: ["slack"] },
    { afterMinutes: 5, channels: ["mail"] },
    { afterMinutes: 15, channels: ["pd"] },
  ],
};

describe("an escalation restarted by a change of severity", () => {
  const changedAt = T0 + 25 * MIN;

  it("runs the new policy from its first step, timed from the change, whatever the old one had queued", () => {
    const now = escalate(critical, kindOf, restartedEscalation(changedAt), changedAt);
    expect(now.steps).toEqual([{ index: 0, channels: ["slack"] }]);
    expect(now.nextAt).toBe(changedAt + 5 * MIN);
    const later = escalate(critical, kindOf, { ...restartedEscalation(changedAt), ...now.state }, changedAt + 15 * MIN);
    expect(later.steps).toEqual([
      { index: 1, channels: ["mail"] },
      { index: 2, channels: ["pd"] },
    ]);
    expect(later.state.handedOver).toBe(true);
  });

  it("is what the old state cannot be: carried on, three steps queued under a milder policy skip every critical one", () => {
    const carried = escalate(
      critical,
      kindOf,
      { openedAt: T0, steps: 3, reminders: 0, handedOver: false, stopped: false },
      changedAt,
    );
    expect(carried.steps).toEqual([]);
    expect(escalate(critical, kindOf, restartedEscalation(changedAt), changedAt).steps).not.toEqual([]);
  });

  it("keys its notices apart from the opening escalation's, and the same on a repeated run", () => {
    const opening = escalationKeys("a1", null);
    const restarted = escalationKeys("a1", "page-me");
    expect([opening.step(0), opening.reminder(1)]).toEqual(["a1:step:0", "a1:reminder:1"]);
    expect([restarted.step(0), restarted.reminder(1)]).toEqual(["a1:page-me:step:0", "a1:page-me:reminder:1"]);
    expect(escalationKeys("a1", "page-me").step(2)).toBe(restarted.step(2));
  });
});
