import type { IncidentStatus, MaintenanceStatus } from "../statuses.ts";

/** Either the move is allowed, or the reason a person can act on. */
export type TransitionCheck = { ok: true } | { ok: false; reason: string };

const OPEN: readonly IncidentStatus[] = ["investigating", "identified", "monitoring"];

/**
 * The incident life cycle. While open, an incident moves freely between
 * investigating, identified and monitoring (a fix that did not hold sends it
 * back) and can be resolved. A resolved incident can take further notes or be
 * reopened. Postmortem is reached only by publishing the report, and closes
 * the incident. (docs/decisions/0012-incident-life-cycle.md)
 */
export function checkIncidentTransition(from: IncidentStatus, to: IncidentStatus): TransitionCheck {
  if (from === "postmortem") {
    return refuse("the incident is closed: its post-incident report is published; declare a new incident instead");
  }
  if (to === "postmortem") {
    return refuse(
      "an incident reaches postmortem by publishing its report (POST /api/v1/incidents/{id}/report/publish)",
    );
  }
  if (OPEN.includes(from) || from === "resolved") return { ok: true };
  return refuse(`unknown status "${from}"`);
}

/**
 * Maintenance moves forward only: scheduled → in progress → verifying →
 * completed, with verifying allowed to go back to in progress when checks
 * fail. Completed is final; calling a window off is a cancellation.
 */
export function checkMaintenanceTransition(from: MaintenanceStatus, to: MaintenanceStatus): TransitionCheck {
  if (from === "completed") return refuse("the maintenance is completed; schedule a new one instead");
  if (from === to) return { ok: true };
  const allowed: Record<MaintenanceStatus, readonly MaintenanceStatus[]> = {
    scheduled: ["in_progress", "completed"],
    in_progress: ["verifying", "completed"],
    verifying: ["in_progress", "completed"],
    completed: [],
  };
  if (allowed[from].includes(to)) return { ok: true };
  return refuse(
    to === "scheduled"
      ? "a maintenance cannot go back to scheduled; move its window instead (PATCH scheduledFor)"
      : `a maintenance goes from ${from} to ${allowed[from].join(" or ")}, not ${to}`,
  );
}

function refuse(reason: string): TransitionCheck {
  return { ok: false, reason };
}
