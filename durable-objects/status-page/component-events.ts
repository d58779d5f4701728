import type { IncidentView } from "../../worker/core/read-model.ts";
import { type EventView, loadIncidents, loadMaintenances } from "./events.ts";

/** What a component's feeds carry of each kind. */
const FEED_LIMIT = 50;
/** How far back a component page lists incidents: the span of its uptime bars. */
const PAGE_WINDOW_MS = 90 * 86_400_000;
/** At most this many on a component page; older ones are on /history. */
const PAGE_LIMIT = 10;

/** Public events linked to the component (its primary key checks the link). */
const TOUCHES = `visibility = 'public' AND EXISTS (SELECT 1 FROM incident_components ic
  WHERE ic.incident_id = incidents.id AND ic.component_id = ?)`;

/**
 * A component's public incidents created at or after `since`, newest first,
 * at most `limit`. The walk follows the (kind, visibility, created_at) index
 * newest first and stops at the `limit`th match, so its cost follows the
 * component's recent activity, not the length of the page's history.
 */
function componentIncidents(sql: SqlStorage, componentId: string, limit: number, since = 0): IncidentView[] {
  return loadIncidents(sql, {
    where: `${TOUCHES} AND created_at >= ?`,
    params: [componentId, since],
    order: `ORDER BY created_at DESC LIMIT ${limit}`,
    index: "incidents_by_kind_and_time",
  });
}

/** The component page's list: its public incidents of the last 90 days, at most 10 (decision 0025). */
export function recentComponentIncidents(sql: SqlStorage, componentId: string, now: number): IncidentView[] {
  return componentIncidents(sql, componentId, PAGE_LIMIT, now - PAGE_WINDOW_MS);
}

/**
 * A component's own 50 newest public incidents and 50 newest maintenances,
 * whatever the rest of the page did since: what its feeds carry.
 */
export function loadComponentEvents(sql: SqlStorage, componentId: string): EventView[] {
  return [
    ...componentIncidents(sql, componentId, FEED_LIMIT),
    ...loadMaintenances(sql, {
      where: TOUCHES,
      params: [componentId],
      order: `ORDER BY scheduled_for DESC LIMIT ${FEED_LIMIT}`,
    }),
  ];
}
