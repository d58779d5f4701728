import type { MaintenanceStatus } from "../../worker/core/statuses.ts";
import { monitorStatusOf } from "./monitors.ts";
import { addIncidentUpdate, type ComponentChanges } from "./writes.ts";

export interface MaintenanceProgress {
  started: string[];
  completed: string[];
}

/**
 * Moves maintenances along on time: a window that has begun is in progress and
 * marks its components under maintenance; one that has ended is completed and
 * hands its components back to their monitors, or to operational where none
 * watch them (unless something else changed them meanwhile).
 */
export function advanceMaintenances(sql: SqlStorage, now: number): MaintenanceProgress {
  const progress: MaintenanceProgress = { started: [], completed: [] };
  const due = sql
    .exec<{ id: string; status: MaintenanceStatus; scheduled_for: number; scheduled_until: number }>(
      `SELECT id, status, scheduled_for, scheduled_until FROM incidents
       WHERE kind = 'maintenance' AND (
         (status = 'scheduled' AND scheduled_for <= ?) OR
         (status IN ('scheduled', 'in_progress', 'verifying') AND scheduled_until <= ?))`,
      now,
      now,
    )
    .toArray();
  for (const maintenance of due) {
    const componentIds = sql
      .exec<{ component_id: string }>(
        `SELECT component_id FROM incident_components WHERE incident_id = ?`,
        maintenance.id,
      )
      .toArray()
      .map((row) => row.component_id);
    if (maintenance.scheduled_until <= now) {
      const components: ComponentChanges = {};
      for (const id of componentIds) {
        const current = sql.exec<{ status: string }>(`SELECT status FROM components WHERE id = ?`, id).toArray()[0];
        // Hand back to the monitors if it has any: they know whether the work went well.
        if (current?.status === "under_maintenance") components[id] = monitorStatusOf(sql, id) ?? "operational";
      }
      addIncidentUpdate(
        sql,
        maintenance.id,
        { status: "completed", body: "The scheduled maintenance has been completed.", components },
        now,
      );
      progress.completed.push(maintenance.id);
    } else {
      const components = Object.fromEntries(componentIds.map((id) => [id, "under_maintenance" as const]));
      addIncidentUpdate(
        sql,
        maintenance.id,
        { status: "in_progress", body: "Scheduled maintenance is currently in progress.", components },
        now,
      );
      progress.started.push(maintenance.id);
    }
  }
  return progress;
}
