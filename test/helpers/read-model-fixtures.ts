import type {
  ComponentView,
  IncidentUpdateView,
  IncidentView,
  MaintenanceView,
  PageSnapshot,
} from "../../worker/core/read-model.ts";

/** A component as the read model holds it, operational and without history unless told otherwise. */
export function componentView(id: string, name: string, overrides: Partial<ComponentView> = {}): ComponentView {
  return {
    id,
    name,
    description: null,
    groupId: null,
    position: 0,
    status: "operational",
    onlyShowIfDegraded: false,
    startDate: null,
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
    uptimeDays: [],
    uptimeWindows: [],
    latencyHourly: [],
    ...overrides,
  };
}

/** A page snapshot of Acme's at 16:00 UTC on 22 Nov 2026 with nothing going on, unless told otherwise. */
export function pageSnapshot(overrides: Partial<PageSnapshot> = {}): PageSnapshot {
  return {
    version: 1,
    updatedAt: "2026-11-22T16:00:00.000Z",
    generatedAt: "2026-11-22T16:00:00.000Z",
    page: { id: "p", name: "Acme", url: "https://status.acme.test", timeZone: "UTC", homepage: null },
    groups: [],
    components: [],
    activeIncidents: [],
    recentIncidents: [],
    activeMaintenances: [],
    upcomingMaintenances: [],
    recentMaintenances: [],
    ...overrides,
  };
}

/** What an event holds from `at` until its response moves on: public, no stage reached, no roles named, nothing yet. */
function unmoved(at: string) {
  return {
    visibility: "public" as const,
    createdAt: at,
    updatedAt: at,
    identifiedAt: null,
    monitoringAt: null,
    resolvedAt: null,
    lead: null,
    communicator: null,
    scribe: null,
    investigator: null,
    revision: 1,
    componentIds: [],
    updates: [],
  };
}

/**
 * An incident as the read model holds it: public, of major impact, begun at
 * 14:00 UTC on 22 Nov 2026 and investigated since 14:02, with no roles,
 * components, updates or report unless told otherwise.
 */
export function incidentView(overrides: Partial<IncidentView> = {}): IncidentView {
  return {
    ...unmoved("2026-11-22T14:02:00.000Z"),
    kind: "incident",
    id: "inc1",
    name: "Elevated API errors",
    status: "investigating",
    impact: "major",
    startedAt: "2026-11-22T14:00:00.000Z",
    report: null,
    ...overrides,
  };
}

/**
 * A maintenance as the read model holds it: public, scheduled on 20 Nov 2026
 * for 02:00 to 04:00 UTC on 25 Nov, with no roles, components or updates
 * unless told otherwise.
 */
export function maintenanceView(overrides: Partial<MaintenanceView> = {}): MaintenanceView {
  return {
    ...unmoved("2026-11-20T10:00:00.000Z"),
    kind: "maintenance",
    id: "m1",
    name: "Database upgrade",
    status: "scheduled",
    impact: "maintenance",
    startedAt: "2026-11-25T02:00:00.000Z",
    scheduledFor: "2026-11-25T02:00:00.000Z",
    scheduledUntil: "2026-11-25T04:00:00.000Z",
    cancelledAt: null,
    ...overrides,
  };
}

/** An update as the read model holds it, written and shown at its displayAt (14:02 UTC on 22 Nov 2026 unless told), naming no component. */
export function updateView(
  overrides: Partial<IncidentUpdateView> & Pick<IncidentUpdateView, "status" | "body">,
): IncidentUpdateView {
  const at = overrides.displayAt ?? "2026-11-22T14:02:00.000Z";
  return {
    id: `u-${at}`,
    createdAt: at,
    updatedAt: at,
    displayAt: at,
    affectedComponents: null,
    deliverNotifications: true,
    ...overrides,
  };
}
