import { derivePageStatus, type PageStatus } from "../page-status.ts";
import type { ComponentView, IncidentUpdateView, IncidentView, MaintenanceView, PageSnapshot } from "../read-model.ts";
import { worstComponentStatus } from "../statuses.ts";
import { statuspagePositions } from "./positions.ts";

/**
 * Statuspage's public v2 JSON, built from the read model. Field names, enum
 * values and nulls follow docs/reference/statuspage-v2.md so existing
 * Statuspage clients work unchanged; lists are always arrays.
 */

export function pageStatusOf(snapshot: PageSnapshot): PageStatus {
  return derivePageStatus({
    componentStatuses: snapshot.components.map((c) => c.status),
    incidentImpacts: snapshot.activeIncidents.map((i) => i.impact),
    maintenanceInProgress: snapshot.activeMaintenances.length > 0,
  });
}

export function pageJson(snapshot: PageSnapshot) {
  return {
    id: snapshot.page.id,
    name: snapshot.page.name,
    url: snapshot.page.url,
    time_zone: snapshot.page.timeZone,
    updated_at: snapshot.updatedAt,
  };
}

export function statusJson(snapshot: PageSnapshot) {
  return { page: pageJson(snapshot), status: pageStatusOf(snapshot) };
}

export function componentsJson(snapshot: PageSnapshot) {
  return { page: pageJson(snapshot), components: componentList(snapshot) };
}

export function summaryJson(snapshot: PageSnapshot) {
  return {
    page: pageJson(snapshot),
    status: pageStatusOf(snapshot),
    components: componentList(snapshot),
    incidents: snapshot.activeIncidents.map((i) => incidentJson(i, snapshot)),
    scheduled_maintenances: [...snapshot.activeMaintenances, ...snapshot.upcomingMaintenances].map((m) =>
      maintenanceJson(m, snapshot),
    ),
  };
}

export function incidentsJson(snapshot: PageSnapshot, which: "all" | "unresolved") {
  const list = which === "all" ? snapshot.recentIncidents : snapshot.activeIncidents;
  return { page: pageJson(snapshot), incidents: list.map((i) => incidentJson(i, snapshot)) };
}

export function maintenancesJson(snapshot: PageSnapshot, which: "all" | "upcoming" | "active") {
  const list =
    which === "all"
      ? snapshot.recentMaintenances
      : which === "upcoming"
        ? snapshot.upcomingMaintenances
        : snapshot.activeMaintenances;
  return { page: pageJson(snapshot), scheduled_maintenances: list.map((m) => maintenanceJson(m, snapshot)) };
}

/**
 * Groups first-class, as Statuspage does: `group: true` and the ids of their
 * children; listed by Statuspage's `position`, each group after the
 * ungrouped components and followed by its children where positions tie.
 */
function componentList(snapshot: PageSnapshot) {
  const pageId = snapshot.page.id;
  const positions = positionsOf(snapshot);
  const groups = snapshot.groups.map((group) => ({
    id: group.id,
    name: group.name,
    status: worstComponentStatus(snapshot.components.filter((c) => c.groupId === group.id).map((c) => c.status)),
    created_at: group.createdAt,
    updated_at: group.updatedAt,
    position: positions.get(group.id) ?? group.position,
    description: group.description,
    showcase: false,
    start_date: null,
    group_id: null,
    page_id: pageId,
    group: true,
    only_show_if_degraded: false,
    components: snapshot.components.filter((c) => c.groupId === group.id).map((c) => c.id),
  }));
  const ungrouped = snapshot.components.filter((c) => !groups.some((g) => g.id === c.groupId));
  const drawn = [
    ...ungrouped.map((c) => componentJson(c, snapshot)),
    ...groups.flatMap((group) => [
      group,
      ...snapshot.components.filter((c) => c.groupId === group.id).map((c) => componentJson(c, snapshot)),
    ]),
  ];
  // A stable sort: ties keep the page's order.
  return drawn.sort((a, b) => a.position - b.position);
}

const positionCache = new WeakMap<PageSnapshot, Map<string, number>>();

function positionsOf(snapshot: PageSnapshot): Map<string, number> {
  let positions = positionCache.get(snapshot);
  if (!positions) {
    positions = statuspagePositions(snapshot.groups, snapshot.components);
    positionCache.set(snapshot, positions);
  }
  return positions;
}

/** A component as Statuspage describes it, `position` numbered its way. */
export function componentJson(component: ComponentView, snapshot: PageSnapshot) {
  return {
    id: component.id,
    name: component.name,
    status: component.status,
    created_at: component.createdAt,
    updated_at: component.updatedAt,
    position: positionsOf(snapshot).get(component.id) ?? component.position,
    description: component.description,
    showcase: true,
    start_date: component.startDate,
    group_id: component.groupId,
    page_id: snapshot.page.id,
    group: false,
    only_show_if_degraded: component.onlyShowIfDegraded,
  };
}

export function incidentJson(incident: IncidentView | MaintenanceView, snapshot: PageSnapshot) {
  const byId = new Map(snapshot.components.map((c) => [c.id, c]));
  return {
    id: incident.id,
    name: incident.name,
    status: incident.status,
    created_at: incident.createdAt,
    updated_at: incident.updatedAt,
    monitoring_at: incident.monitoringAt,
    resolved_at: incident.resolvedAt,
    impact: incident.impact,
    shortlink: new URL(
      `${incident.kind === "maintenance" ? "maintenances" : "incidents"}/${incident.id}`,
      withSlash(snapshot.page.url),
    ).href,
    started_at: incident.startedAt,
    page_id: snapshot.page.id,
    incident_updates: incident.updates.map((u) => updateJson(u, incident.id)),
    components: incident.componentIds
      .map((id) => byId.get(id))
      .filter((c): c is ComponentView => c !== undefined)
      .map((c) => componentJson(c, snapshot)),
  };
}

export function maintenanceJson(maintenance: MaintenanceView, snapshot: PageSnapshot) {
  return {
    ...incidentJson(maintenance, snapshot),
    scheduled_for: maintenance.scheduledFor,
    scheduled_until: maintenance.scheduledUntil,
  };
}

function updateJson(update: IncidentUpdateView, incidentId: string) {
  return {
    id: update.id,
    status: update.status,
    body: update.body,
    incident_id: incidentId,
    created_at: update.createdAt,
    updated_at: update.updatedAt,
    display_at: update.displayAt,
    affected_components:
      update.affectedComponents?.map((a) => ({
        code: a.code,
        name: a.name,
        old_status: a.oldStatus,
        new_status: a.newStatus,
      })) ?? null,
    deliver_notifications: update.deliverNotifications,
    custom_tweet: null,
    tweet_id: null,
  };
}

function withSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}
