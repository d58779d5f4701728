import type { IncidentView } from "../../worker/core/read-model.ts";
import { loadIncidents } from "./events.ts";

/** How far back a component page lists incidents: the span of its uptime bars. */
export const COMPONENT_INCIDENTS_WINDOW_MS = 90 * 86_400_000;
/** At most this many; older ones are on /history. */
export const COMPONENT_INCIDENTS_LIMIT = 10;

/**
 * The public incidents of the last 90 days that touch one component, newest
 * first. The index on (kind, visibility, created_at) bounds the walk to the
 * window, so the cost follows recent activity, not the length of the history
 * (see docs/decisions/0025-what-readers-see.md).
 */
export function componentIncidents(sql: SqlStorage, componentId: string, now: number): IncidentView[] {
  return loadIncidents(sql, {
    where: `visibility = 'public' AND created_at >= ?
      AND EXISTS (SELECT 1 FROM incident_components ic WHERE ic.incident_id = incidents.id AND ic.component_id = ?)`,
    params: [now - COMPONENT_INCIDENTS_WINDOW_MS, componentId],
    order: `ORDER BY created_at DESC LIMIT ${COMPONENT_INCIDENTS_LIMIT}`,
    index: "incidents_by_kind_and_time",
  });
}
