import { type EventView, loadIncidents, loadMaintenances } from "./events.ts";

const LIMIT = 50;

/**
 * A component's own 50 newest public incidents and 50 newest maintenances,
 * whatever the rest of the page did since: what its feeds carry. Each read
 * walks the time index newest first and checks the link by its primary key,
 * so it stops at the 50th match instead of sorting the component's history.
 */
export function loadComponentEvents(sql: SqlStorage, componentId: string): EventView[] {
  const touches = `visibility = 'public' AND EXISTS (SELECT 1 FROM incident_components ic
    WHERE ic.incident_id = incidents.id AND ic.component_id = ?)`;
  return [
    ...loadIncidents(sql, { where: touches, params: [componentId], order: `ORDER BY created_at DESC LIMIT ${LIMIT}` }),
    ...loadMaintenances(sql, {
      where: touches,
      params: [componentId],
      order: `ORDER BY scheduled_for DESC LIMIT ${LIMIT}`,
    }),
  ];
}
