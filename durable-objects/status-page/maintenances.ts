import type { MaintenanceStatus } from "../../worker/core/statuses.ts";
import { auditLookout } from "./api/context.ts";
import { monitorStatusOf } from "./monitors.ts";
import { addIncidentUpdate, type ComponentChanges } from "./writes.ts";

export interface MaintenanceProgress {
  started: string[];
  completed: string[];
}

/**
 * Moves maintenances along on time: a window that has begun is in progress;
 * one that has ended is completed. Called by the cron heartbeat and after any
 * write that moves a window.
 */
export function advanceMaintenances(sql: SqlStorage, now: number): MaintenanceProgress {
  const progress = moveDueWindows(sql, now);
  for (const id of progress.started) auditLookout(sql, now, "maintenance.start", id, { status: "in_progress" });
  for (const id of progress.completed) auditLookout(sql, now, "maintenance.complete", id, { status: "completed" });
  return progress;
}

function moveDueWindows(sql: SqlStorage, now: number): MaintenanceProgress {
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
    if (maintenance.scheduled_until <= now) {
      completeMaintenance(sql, maintenance.id, "The scheduled maintenance has been completed.", now);
      progress.completed.push(maintenance.id);
    } else {
      startMaintenance(sql, maintenance.id, "Scheduled maintenance is currently in progress.", now);
      progress.started.push(maintenance.id);
    }
  }
  return progress;
}

/**
 * The window opens: its components are under maintenance for its duration —
 * unless it is internal, which, like an internal incident, must not show on
 * the page what it hides.
 */
export function startMaintenance(sql: SqlStorage, id: string, body: string, now: number, notify = true): string {
  const components = isInternal(sql, id)
    ? {}
    : Object.fromEntries(componentsOf(sql, id).map((c) => [c, "under_maintenance" as const]));
  return addIncidentUpdate(sql, id, { status: "in_progress", body, components, deliverNotifications: notify }, now);
}

/**
 * The window closes: components it put under maintenance go back to what
 * their monitors say (they know whether the work went well), or to
 * operational where none watch them. A window that never started holds
 * none, and a component another window still holds stays under maintenance.
 */
export function completeMaintenance(sql: SqlStorage, id: string, body: string, now: number, notify = true): string {
  const started = sql
    .exec(`SELECT 1 FROM incidents WHERE id = ? AND status IN ('in_progress', 'verifying')`, id)
    .toArray().length;
  const components: ComponentChanges = {};
  for (const componentId of started && !isInternal(sql, id) ? componentsOf(sql, id) : []) {
    const current = sql
      .exec<{ status: string }>(`SELECT status FROM components WHERE id = ?`, componentId)
      .toArray()[0];
    if (current?.status === "under_maintenance" && !heldByAnotherWindow(sql, componentId, id)) {
      components[componentId] = monitorStatusOf(sql, componentId) ?? "operational";
    }
  }
  return addIncidentUpdate(sql, id, { status: "completed", body, components, deliverNotifications: notify }, now);
}

function isInternal(sql: SqlStorage, id: string): boolean {
  return sql.exec(`SELECT 1 FROM incidents WHERE id = ? AND visibility = 'internal'`, id).toArray().length > 0;
}

function heldByAnotherWindow(sql: SqlStorage, componentId: string, except: string): boolean {
  return (
    sql
      .exec(
        `SELECT 1 FROM incident_components ic JOIN incidents i ON i.id = ic.incident_id
         WHERE ic.component_id = ? AND i.id != ? AND i.kind = 'maintenance' AND i.visibility = 'public'
           AND i.status IN ('in_progress', 'verifying') LIMIT 1`,
        componentId,
        except,
      )
      .toArray().length > 0
  );
}

export function componentsOf(sql: SqlStorage, eventId: string): string[] {
  return sql
    .exec<{ component_id: string }>(`SELECT component_id FROM incident_components WHERE incident_id = ?`, eventId)
    .toArray()
    .map((row) => row.component_id);
}
