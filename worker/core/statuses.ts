/**
 * Statuspage's vocabulary, kept verbatim so its clients work unchanged.
 * Arrays are ordered from best to worst where an order exists.
 */
export const COMPONENT_STATUSES = [
  "operational",
  "under_maintenance",
  "degraded_performance",
  "partial_outage",
  "major_outage",
] as const;
export type ComponentStatus = (typeof COMPONENT_STATUSES)[number];

export const INCIDENT_STATUSES = ["investigating", "identified", "monitoring", "resolved", "postmortem"] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const MAINTENANCE_STATUSES = ["scheduled", "in_progress", "verifying", "completed"] as const;
export type MaintenanceStatus = (typeof MAINTENANCE_STATUSES)[number];

export const IMPACTS = ["none", "minor", "major", "critical"] as const;
export type Impact = (typeof IMPACTS)[number];

export const INDICATORS = ["none", "maintenance", "minor", "major", "critical"] as const;
export type Indicator = (typeof INDICATORS)[number];

export const COMPONENT_STATUS_LABELS: Record<ComponentStatus, string> = {
  operational: "Operational",
  under_maintenance: "Under maintenance",
  degraded_performance: "Degraded performance",
  partial_outage: "Partial outage",
  major_outage: "Major outage",
};

export const INCIDENT_STATUS_LABELS: Record<IncidentStatus | MaintenanceStatus, string> = {
  investigating: "Investigating",
  identified: "Identified",
  monitoring: "Monitoring",
  resolved: "Resolved",
  postmortem: "Postmortem",
  scheduled: "Scheduled",
  in_progress: "In progress",
  verifying: "Verifying",
  completed: "Completed",
};

export const IMPACT_LABELS: Record<Impact | "maintenance", string> = {
  none: "No impact",
  minor: "Minor impact",
  major: "Major impact",
  critical: "Critical impact",
  maintenance: "Planned maintenance",
};

export const UNRESOLVED_INCIDENT_STATUSES: readonly IncidentStatus[] = ["investigating", "identified", "monitoring"];
export const ACTIVE_MAINTENANCE_STATUSES: readonly MaintenanceStatus[] = ["in_progress", "verifying"];

/** Rank of a component status: higher is worse. Maintenance sits below any failure. */
export function componentSeverity(status: ComponentStatus): number {
  return COMPONENT_STATUSES.indexOf(status);
}

export function worstComponentStatus(statuses: Iterable<ComponentStatus>): ComponentStatus {
  let worst: ComponentStatus = "operational";
  for (const status of statuses) if (componentSeverity(status) > componentSeverity(worst)) worst = status;
  return worst;
}

export function isComponentStatus(value: unknown): value is ComponentStatus {
  return (COMPONENT_STATUSES as readonly unknown[]).includes(value);
}
