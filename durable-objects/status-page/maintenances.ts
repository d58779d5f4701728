import { auditLookout } from "./api/context.ts";
import { monitorStatusOf } from "./monitors.ts";
import { restoredAt } from "./restored.ts";
import { addIncidentUpdate, type ComponentChanges, type NewIncidentUpdate } from "./writes.ts";

/** Who hears of a window's move: subscribers unless `deliverNotifications` is false; no one when `beforeRestore`. */
type Telling = Pick<NewIncidentUpdate, "deliverNotifications" | "beforeRestore">;

export interface MaintenanceProgress {
  started: string[];
  completed: string[];
}

/**
 * Moves maintenances along on time: a window that has begun is in progress;
 * one that has ended is completed. Called by the cron heartbeat and after any
 * write that moves a window. A start or end that fell due before the page was
 * restored from a backup is applied without telling anyone (restored.ts).
 */
export function advanceMaintenances(sql: SqlStorage, now: number): MaintenanceProgress {
  const progress = moveDueWindows(sql, now, restoredAt(sql));
  const told = (id: string) => (progress.untold.includes(id) ? { notified: false } : {});
  for (const id of progress.started) {
    auditLookout(sql, now, "maintenance.start", id, { status: "in_progress", ...told(id) });
  }
  for (const id of progress.completed) {
    auditLookout(sql, now, "maintenance.complete", id, { status: "completed", ...told(id) });
  }
  return { started: progress.started, completed: progress.completed };
}

function moveDueWindows(sql: SqlStorage, now: number, restored: number): MaintenanceProgress & { untold: string[] } {
  const progress: MaintenanceProgress & { untold: string[] } = { started: [], completed: [], untold: [] };
  const due = sql
    .exec<{ id: string; created_at: number; scheduled_for: number; scheduled_until: number }>(
      // Every visibility named, so the (kind, visibility, status) index reads only windows not yet
      // completed, never the page's whole history of maintenances (this runs on every heartbeat).
      `SELECT id, created_at, scheduled_for, scheduled_until FROM incidents INDEXED BY incidents_by_visibility_and_status
       WHERE kind = 'maintenance' AND visibility IN ('public', 'internal')
         AND status IN ('scheduled', 'in_progress', 'verifying')
         AND ((status = 'scheduled' AND scheduled_for <= ?) OR scheduled_until <= ?)`,
      now,
      now,
    )
    .toArray();
  for (const maintenance of due) {
    const ends = maintenance.scheduled_until <= now;
    // Only a window that came with the backup has a past to catch up on; one created since is news.
    const past =
      maintenance.created_at <= restored &&
      (ends ? maintenance.scheduled_until : maintenance.scheduled_for) <= restored;
    if (ends) {
      completeMaintenance(sql, maintenance.id, "The scheduled maintenance has been completed.", now, {
        beforeRestore: past,
      });
      progress.completed.push(maintenance.id);
    } else {
      startMaintenance(sql, maintenance.id, "Scheduled maintenance is currently in progress.", now, {
        beforeRestore: past,
      });
      progress.started.push(maintenance.id);
    }
    if (past) progress.untold.push(maintenance.id);
  }
  return progress;
}

/**
 * The window opens: its components are under maintenance for its duration —
 * unless it is internal, which, like an internal incident, must not show on
 * the page what it hides.
 */
export function startMaintenance(
  sql: SqlStorage,
  id: string,
  body: string,
  now: number,
  telling: Telling = {},
): string {
  const components = isInternal(sql, id)
    ? {}
    : Object.fromEntries(componentsOf(sql, id).map((c) => [c, "under_maintenance" as const]));
  return addIncidentUpdate(sql, id, { status: "in_progress", body, components, ...telling }, now);
}

/**
 * The window closes: components it put under maintenance go back to what
 * their monitors say (they know whether the work went well), or to
 * operational where none watch them. A window that never started holds
 * none, and a component another window still holds stays under maintenance.
 */
export function completeMaintenance(
  sql: SqlStorage,
  id: string,
  body: string,
  now: number,
  telling: Telling = {},
): string {
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
  return addIncidentUpdate(sql, id, { status: "completed", body, components, ...telling }, now);
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
