import type { ComponentView, PageSnapshot } from "../../worker/core/read-model.ts";

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
