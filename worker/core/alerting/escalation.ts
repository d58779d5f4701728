import { type AlertChannelKind, HANDOVER_KINDS } from "./channels.ts";
import type { EscalationPolicy } from "./policies.ts";

const MINUTE_MS = 60_000;

/** Where one alert's escalation stands, as the alerts table keeps it. */
export interface EscalationState {
  /** When this escalation began: the alert's opening, or the change of severity that restarted it. */
  openedAt: number;
  /** Steps already queued: steps 0 … steps - 1. */
  steps: number;
  /** Reminders already queued (or passed over): the next one's index is at least this. */
  reminders: number;
  /** A queued step named a PagerDuty or Opsgenie channel: that tool pages and acknowledges from then on. */
  handedOver: boolean;
  /** Acknowledged or resolved. */
  stopped: boolean;
}

/**
 * The outbox dedupe keys of an alert's steps and reminders: `<alertId>:step:<n>`
 * for the escalation it opened with; `<alertId>:<policyId>:step:<n>` once a
 * change of severity restarted it under another policy, so the new policy's
 * steps are new notices rather than repeats of the old one's.
 */
export function escalationKeys(alertId: string, restartedUnder: string | null) {
  const prefix = restartedUnder === null ? alertId : `${alertId}:${restartedUnder}`;
  return {
    step: (index: number) => `${prefix}:step:${index}`,
    reminder: (index: number) => `${prefix}:reminder:${index}`,
  };
}

/** Where an escalation restarted at `at` stands: nothing queued yet, no handover. */
export function restartedEscalation(at: number): EscalationState {
  return { openedAt: at, steps: 0, reminders: 0, handedOver: false, stopped: false };
}

export interface EscalationDue {
  /** Steps to queue now, each to its channels (escalationKeys). */
  steps: { index: number; channels: string[] }[];
  /** A reminder to queue now (escalationKeys) to every channel alerted so far, or null. */
  reminder: { index: number; channels: string[] } | null;
  /** The state once these are queued. */
  state: Pick<EscalationState, "steps" | "reminders" | "handedOver">;
  /** When to look again, or null when nothing more can fall due. */
  nextAt: number | null;
}

/**
 * What an escalation policy asks for at `now`: step n falls due at
 * openedAt + its afterMinutes; while unacknowledged, a reminder every
 * repeatEveryMinutes, counted from the last step, to every channel alerted so
 * far. A step that names a handover channel (channels.ts HANDOVER_KINDS) is
 * the last: no later steps, no reminders. Nothing after an acknowledgement or
 * a resolve. A step is never queued before its time nor twice; when looks come
 * late, every step missed is queued (each reaches other people) but only the
 * latest reminder missed (a reminder repeats what was said).
 */
export function escalate(
  policy: EscalationPolicy,
  kindOf: (channelId: string) => AlertChannelKind | undefined,
  state: EscalationState,
  now: number,
): EscalationDue {
  const unchanged = { steps: state.steps, reminders: state.reminders, handedOver: state.handedOver };
  if (state.stopped || state.handedOver) return { steps: [], reminder: null, state: unchanged, nextAt: null };
  const handover = policy.steps.findIndex((step) =>
    step.channels.some((id) => {
      const kind = kindOf(id);
      return kind !== undefined && HANDOVER_KINDS.includes(kind);
    }),
  );
  const lastStep = handover === -1 ? policy.steps.length - 1 : handover;
  const stepAt = (i: number) => state.openedAt + (policy.steps[i]?.afterMinutes ?? 0) * MINUTE_MS;

  const steps: EscalationDue["steps"] = [];
  let queued = state.steps;
  while (queued <= lastStep && stepAt(queued) <= now) {
    steps.push({ index: queued, channels: [...(policy.steps[queued]?.channels ?? [])] });
    queued++;
  }
  const handedOver = handover !== -1 && queued > handover;
  const nextStepAt = !handedOver && queued <= lastStep ? stepAt(queued) : null;

  let reminder: EscalationDue["reminder"] = null;
  let reminders = state.reminders;
  let nextReminderAt: number | null = null;
  const every = policy.repeatEveryMinutes;
  if (!handedOver && every !== undefined && queued > 0) {
    const schedule = reminderSchedule(policy, stepAt, handover, every * MINUTE_MS);
    const due = schedule.dueBy(now);
    if (due > reminders) {
      const segment = Math.min(schedule.segmentOf(due - 1), queued - 1);
      reminder = { index: due - 1, channels: channelsUpTo(policy, segment) };
      reminders = due;
    }
    nextReminderAt = schedule.at(reminders);
  }
  const next = [nextStepAt, nextReminderAt].filter((at): at is number => at !== null);
  return {
    steps,
    reminder,
    state: { steps: queued, reminders, handedOver },
    nextAt: next.length > 0 ? Math.min(...next) : null,
  };
}

/** Every channel of steps 0 … last, once each, in the order they were first alerted. */
function channelsUpTo(policy: EscalationPolicy, last: number): string[] {
  return [...new Set(policy.steps.slice(0, last + 1).flatMap((step) => step.channels))];
}

/**
 * Reminders, numbered from 0 across the whole alert: after step i, one every
 * `everyMs` until step i + 1 falls due (the step itself is the nudge then);
 * after the last step, forever. None from a handover step on.
 */
function reminderSchedule(policy: EscalationPolicy, stepAt: (i: number) => number, handover: number, everyMs: number) {
  const segments: { start: number; count: number }[] = [];
  const last = handover === -1 ? policy.steps.length - 1 : handover - 1;
  for (let i = 0; i <= last; i++) {
    const start = stepAt(i);
    const end = i + 1 < policy.steps.length ? stepAt(i + 1) : Number.POSITIVE_INFINITY;
    segments.push({
      start,
      count: end === Number.POSITIVE_INFINITY ? end : Math.max(0, Math.ceil((end - start) / everyMs) - 1),
    });
  }
  return {
    /** How many reminders fall due at or before `now`. */
    dueBy(now: number): number {
      let total = 0;
      for (const { start, count } of segments) {
        const due = now < start ? 0 : Math.min(count, Math.floor((now - start) / everyMs));
        total += due;
        if (due < count) break;
      }
      return total;
    },
    /** When reminder `index` falls due, or null when there is none. */
    at(index: number): number | null {
      let k = index;
      for (const { start, count } of segments) {
        if (k < count) return start + (k + 1) * everyMs;
        k -= count;
      }
      return null;
    },
    /** The step after which reminder `index` comes. */
    segmentOf(index: number): number {
      let k = index;
      for (const [i, { count }] of segments.entries()) {
        if (k < count) return i;
        k -= count;
      }
      return segments.length - 1;
    },
  };
}
