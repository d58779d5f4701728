import { type ComponentStatus, type Impact, INDICATORS, type Indicator } from "./statuses.ts";

export interface PageStatus {
  indicator: Indicator;
  description: string;
}

export interface PageStatusInput {
  /** Statuses of the leaf components (groups carry no status of their own). */
  componentStatuses: readonly ComponentStatus[];
  /** Impacts of unresolved public incidents. */
  incidentImpacts: readonly Impact[];
  /** Whether any public maintenance is in progress or verifying. */
  maintenanceInProgress: boolean;
}

export const ALL_OPERATIONAL: PageStatus = { indicator: "none", description: "All Systems Operational" };
const UNDER_MAINTENANCE: PageStatus = { indicator: "maintenance", description: "Service Under Maintenance" };
const DEGRADED: PageStatus = { indicator: "minor", description: "Partially Degraded Service" };
const MINOR_OUTAGE: PageStatus = { indicator: "minor", description: "Minor Service Outage" };
const PARTIAL_OUTAGE: PageStatus = { indicator: "major", description: "Partial System Outage" };
const MAJOR_OUTAGE: PageStatus = { indicator: "critical", description: "Major System Outage" };

/**
 * The page's overall status: the worst of what the components say and what the
 * open incidents declare (see docs/decisions/0004-page-status-rollup.md).
 * Candidates are listed in increasing severity, so on a tie of indicators the
 * later, more specific description wins.
 */
export function derivePageStatus(input: PageStatusInput): PageStatus {
  const { componentStatuses, incidentImpacts } = input;
  const candidates: PageStatus[] = [ALL_OPERATIONAL];

  if (input.maintenanceInProgress || componentStatuses.includes("under_maintenance")) {
    candidates.push(UNDER_MAINTENANCE);
  }
  if (componentStatuses.includes("degraded_performance")) candidates.push(DEGRADED);
  if (componentStatuses.includes("partial_outage") || incidentImpacts.includes("minor")) candidates.push(MINOR_OUTAGE);
  const majorCount = componentStatuses.filter((s) => s === "major_outage").length;
  if (majorCount > 0 || incidentImpacts.includes("major")) candidates.push(PARTIAL_OUTAGE);
  if ((majorCount > 0 && majorCount === componentStatuses.length) || incidentImpacts.includes("critical")) {
    candidates.push(MAJOR_OUTAGE);
  }

  return candidates.reduce((worst, next) =>
    indicatorRank(next.indicator) >= indicatorRank(worst.indicator) ? next : worst,
  );
}

function indicatorRank(indicator: Indicator): number {
  return INDICATORS.indexOf(indicator);
}
