import type { ComponentStatus } from "../statuses.ts";
import { type StatusTransition, tally } from "../uptime.ts";

/** How badly one component was hit inside a window. */
export interface ComponentImpact {
  worstStatus: ComponentStatus;
  notOperationalMs: number;
}

/**
 * Worst status and time not operational within [from, to], by the same
 * arithmetic as every uptime figure (worker/core/uptime.ts): each transition
 * holds until the next one, so the last transition before the window counts
 * for the part of the window it covers and nothing outside the window does.
 */
export function impactWithin(transitions: readonly StatusTransition[], from: number, to: number): ComponentImpact {
  const t = tally({ transitions, since: Number.NEGATIVE_INFINITY }, from, to);
  const notOperationalSeconds =
    t.majorOutageSeconds + t.partialOutageSeconds + t.degradedSeconds + t.maintenanceSeconds;
  return { worstStatus: t.worst ?? "operational", notOperationalMs: Math.round(notOperationalSeconds * 1000) };
}

/** Transitions oldest first, whatever order they arrived in. */
export function chronological(transitions: readonly StatusTransition[]): StatusTransition[] {
  return [...transitions].sort((a, b) => a.at - b.at);
}
