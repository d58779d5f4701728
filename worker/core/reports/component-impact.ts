import { type ComponentStatus, componentSeverity } from "../statuses.ts";
import type { StatusTransition } from "../uptime.ts";

/** How badly one component was hit inside a window. */
export interface ComponentImpact {
  worstStatus: ComponentStatus;
  notOperationalMs: number;
}

/** A recorded status change of one component. `from` is null when nothing earlier was recorded. */
export interface StatusChange {
  at: number;
  from: ComponentStatus | null;
  to: ComponentStatus;
}

/**
 * Worst status and time not operational within [from, to]. Each transition
 * holds until the next one, so the last transition before the window counts
 * for the part of the window it covers and nothing outside the window does.
 */
export function impactWithin(transitions: readonly StatusTransition[], from: number, to: number): ComponentImpact {
  let worstStatus: ComponentStatus = "operational";
  let notOperationalMs = 0;
  for (let i = 0; i < transitions.length; i++) {
    const current = transitions[i] as StatusTransition;
    const start = Math.max(current.at, from);
    const end = Math.min(transitions[i + 1]?.at ?? to, to);
    if (end <= start) continue;
    if (componentSeverity(current.status) > componentSeverity(worstStatus)) worstStatus = current.status;
    if (current.status !== "operational") notOperationalMs += end - start;
  }
  return { worstStatus, notOperationalMs };
}

/** The changes recorded within [from, to]; repeats of the same status are not changes. */
export function changesWithin(transitions: readonly StatusTransition[], from: number, to: number): StatusChange[] {
  const changes: StatusChange[] = [];
  let previous: ComponentStatus | null = null;
  for (const { at, status } of transitions) {
    if (at >= from && at <= to && status !== previous) changes.push({ at, from: previous, to: status });
    previous = status;
  }
  return changes;
}

/** Transitions oldest first, whatever order they arrived in. */
export function chronological(transitions: readonly StatusTransition[]): StatusTransition[] {
  return [...transitions].sort((a, b) => a.at - b.at);
}
