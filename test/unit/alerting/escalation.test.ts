import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AlertChannelKind } from "../../../worker/core/alerting/channels.ts";
import { type EscalationState, escalate } from "../../../worker/core/alerting/escalation.ts";
import type { EscalationPolicy } from "../../../worker/core/alerting/policies.ts";

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 1);
const KINDS: Record<string, AlertChannelKind> = { slack: "slack", mail: "email", pd: "pagerduty", ntfy: "ntfy" };
const kindOf = (id: string) => KINDS[id];

function fresh(openedAt = T0): EscalationState {
  return { openedAt, steps: 0, reminders: 0, handedOver: false, stopped: false };
}

interface Queued {
  at: number;
  what: "step" | "reminder";
  index: number;
  channels: string[];
}

/** Looks at the alert at each time in turn (a controlled clock), keeping state as the alerts table does. */
function run(policy: EscalationPolicy, times: number[], stopAt = Number.POSITIVE_INFINITY) {
  let state = fresh();
  const queued: Queued[] = [];
  const nextAts: { at: number; nextAt: number | null }[] = [];
  for (const at of times) {
    const due = escalate(policy, kindOf, { ...state, stopped: at >= stopAt }, at);
    for (const step of due.steps) queued.push({ at, what: "step", ...step });
    if (due.reminder) queued.push({ at, what: "reminder", ...due.reminder });
    state = { ...state, ...due.state };
    nextAts.push({ at, nextAt: due.nextAt });
  }
  return { queued, nextAts, state };
}

describe("escalate", () => {
  const policy: EscalationPolicy = {
    id: "p",
    steps: [
      { afterMinutes: 0, channels: ["slack"] },
      { afterMinutes: 5, channels: ["mail"] },
      { afterMinutes: 15, channels: ["ntfy", "slack"] },
    ],
    repeatEveryMinutes: 4,
  };

  it("queues step 0 at once and says when the next step falls due", () => {
    const due = escalate(policy, kindOf, fresh(), T0);
    expect(due.steps).toEqual([{ index: 0, channels: ["slack"] }]);
    expect(due.reminder).toBeNull();
    expect(due.nextAt).toBe(T0 + 4 * MIN);
  });

  it("reminds every channel alerted so far, counted from the last step, and stops reminding at the next step", () => {
    // Looked at exactly when asked, from the open for an hour.
    let state = fresh();
    let now = T0;
    const seen: string[] = [];
    while (now <= T0 + 30 * MIN) {
      const due = escalate(policy, kindOf, state, now);
      for (const s of due.steps) seen.push(`${(now - T0) / MIN} step ${s.index} ${s.channels.join("+")}`);
      if (due.reminder)
        seen.push(`${(now - T0) / MIN} reminder ${due.reminder.index} ${due.reminder.channels.join("+")}`);
      state = { ...state, ...due.state };
      if (due.nextAt === null) break;
      expect(due.nextAt).toBeGreaterThan(now);
      now = due.nextAt;
    }
    expect(seen).toEqual([
      "0 step 0 slack",
      "4 reminder 0 slack",
      "5 step 1 mail",
      "9 reminder 1 slack+mail",
      "13 reminder 2 slack+mail",
      "15 step 2 ntfy+slack",
      "19 reminder 3 slack+mail+ntfy",
      "23 reminder 4 slack+mail+ntfy",
      "27 reminder 5 slack+mail+ntfy",
    ]);
  });

  it("hands over at a PagerDuty step: no later steps, no reminders", () => {
    const handover: EscalationPolicy = {
      id: "h",
      steps: [
        { afterMinutes: 0, channels: ["slack"] },
        { afterMinutes: 5, channels: ["pd"] },
        { afterMinutes: 15, channels: ["ntfy"] },
      ],
      repeatEveryMinutes: 2,
    };
    const { queued, state } = run(
      handover,
      Array.from({ length: 60 }, (_, m) => T0 + m * MIN),
    );
    expect(queued.map((q) => `${(q.at - T0) / MIN} ${q.what} ${q.index}`)).toEqual([
      "0 step 0",
      "2 reminder 0",
      "4 reminder 1",
      "5 step 1",
    ]);
    expect(state.handedOver).toBe(true);
    expect(escalate(handover, kindOf, { ...fresh(), ...state, stopped: false }, T0 + 60 * MIN).nextAt).toBeNull();
  });

  it("after a long silence queues every missed step but only the latest missed reminder", () => {
    const due = escalate(policy, kindOf, fresh(), T0 + 40 * MIN);
    expect(due.steps.map((s) => s.index)).toEqual([0, 1, 2]);
    // Reminders at 4; 9, 13; 19, 23, 27, 31, 35, 39: the ninth (index 8) is the latest due.
    expect(due.reminder).toEqual({ index: 8, channels: ["slack", "mail", "ntfy"] });
    expect(due.nextAt).toBe(T0 + 43 * MIN);
  });

  it("does nothing once acknowledged or resolved", () => {
    expect(escalate(policy, kindOf, { ...fresh(), steps: 1, stopped: true }, T0 + 60 * MIN)).toMatchObject({
      steps: [],
      reminder: null,
      nextAt: null,
    });
  });

  const channelIds = fc.constantFrom("slack", "mail", "pd", "ntfy");
  const policies = fc
    .record({
      gaps: fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 5 }),
      channels: fc.array(fc.uniqueArray(channelIds, { minLength: 1, maxLength: 3 }), { minLength: 5, maxLength: 5 }),
      repeat: fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
    })
    .map(({ gaps, channels, repeat }): EscalationPolicy => {
      let after = 0;
      return {
        id: "p",
        steps: gaps.map((gap, i) => {
          after += gap;
          return { afterMinutes: after, channels: channels[i] ?? ["slack"] };
        }),
        ...(repeat === undefined ? {} : { repeatEveryMinutes: repeat }),
      };
    });
  /** Times to look, in order: anything from on the dot to a long silence apart. */
  const clocks = fc.array(fc.integer({ min: 0, max: 20 * MIN }), { minLength: 1, maxLength: 40 }).map((gaps) => {
    let at = T0;
    return gaps.map((gap) => {
      at += gap;
      return at;
    });
  });

  it("never queues a step early or twice, nor anything after an acknowledgement or a handover", () => {
    fc.assert(
      fc.property(policies, clocks, fc.option(fc.integer({ min: 0, max: 200 * MIN })), (policy, times, ackAfter) => {
        const stopAt = ackAfter === null ? Number.POSITIVE_INFINITY : T0 + ackAfter;
        const { queued } = run(policy, times, stopAt);
        const steps = queued.filter((q) => q.what === "step");
        const reminders = queued.filter((q) => q.what === "reminder");
        expect(new Set(steps.map((s) => s.index)).size).toBe(steps.length);
        expect(new Set(reminders.map((r) => r.index)).size).toBe(reminders.length);
        for (const s of steps) {
          expect(s.at).toBeGreaterThanOrEqual(T0 + (policy.steps[s.index]?.afterMinutes ?? 0) * MIN);
          expect(s.channels).toEqual(policy.steps[s.index]?.channels);
        }
        for (const q of queued) expect(q.at).toBeLessThan(stopAt);
        // Steps come in order, from 0, with none missing.
        expect(steps.map((s) => s.index)).toEqual(steps.map((_, i) => i));
        const handover = policy.steps.findIndex((step) => step.channels.includes("pd"));
        if (handover !== -1) {
          expect(steps.every((s) => s.index <= handover)).toBe(true);
          const handedAt = steps.find((s) => s.index === handover)?.at;
          if (handedAt !== undefined) expect(reminders.every((r) => r.at < handedAt)).toBe(true);
        }
        // Reminders go only to channels already alerted, never before the first reminder could be due.
        for (const r of reminders) {
          const alerted = new Set(steps.filter((s) => s.at <= r.at).flatMap((s) => s.channels));
          expect(r.channels.every((c) => alerted.has(c))).toBe(true);
          expect(r.at).toBeGreaterThanOrEqual(T0 + (policy.repeatEveryMinutes ?? 0) * MIN);
        }
      }),
    );
  });

  it("queues every step exactly at its time when looked at when it asks (no timing error)", () => {
    fc.assert(
      fc.property(policies, (policy) => {
        let state = fresh();
        let now: number | null = T0;
        const stepTimes = new Map<number, number>();
        for (let looks = 0; now !== null && looks < 200; looks++) {
          const due = escalate(policy, kindOf, state, now);
          for (const s of due.steps) stepTimes.set(s.index, now);
          state = { ...state, ...due.state };
          if (due.nextAt !== null) expect(due.nextAt).toBeGreaterThan(now);
          now = due.nextAt !== null && due.nextAt <= T0 + 300 * MIN ? due.nextAt : null;
        }
        const handover = policy.steps.findIndex((step) => step.channels.includes("pd"));
        const last = handover === -1 ? policy.steps.length - 1 : handover;
        for (let i = 0; i <= last; i++) {
          expect(stepTimes.get(i)).toBe(T0 + (policy.steps[i]?.afterMinutes ?? 0) * MIN);
        }
      }),
    );
  });
});
