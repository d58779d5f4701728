import {
  type AutoIncidentContext,
  isQuietLongEnough,
  planAutoIncident,
  resolvedText,
} from "../../worker/core/monitors/auto-incident.ts";
import type { MonitorReport } from "../../worker/core/monitors/monitor-report.ts";
import type { AffectedComponent } from "../../worker/core/read-model.ts";
import type { ComponentStatus } from "../../worker/core/statuses.ts";
import { pageInfo } from "./page-info.ts";
import { restoredAt } from "./restored.ts";
import { iso } from "./time.ts";
import { addIncidentUpdate, createIncident } from "./writes.ts";

/**
 * Carries out what the pure planner decides when a monitor changes state.
 * Only runs with the `automatic_incidents` flag on. Call inside a transaction;
 * `now` is when the monitor changed state (never later than the present).
 * `changes` are the component statuses the monitor just changed.
 */
export function followWithIncident(
  sql: SqlStorage,
  report: MonitorReport,
  now: number,
  changes: readonly AffectedComponent[] = [],
): string | null {
  const transition = report.transition;
  if (!transition) return null;
  const monitor = sql.exec(`SELECT 1 FROM monitors WHERE id = ?`, report.monitorId).toArray()[0];
  if (!monitor) return null;
  const components = sql
    .exec<{ id: string; name: string; status: ComponentStatus }>(
      `SELECT c.id, c.name, c.status FROM monitor_components mc JOIN components c ON c.id = mc.component_id
       WHERE mc.monitor_id = ? AND c.removed_at IS NULL ORDER BY c.position`,
      report.monitorId,
    )
    .toArray();
  const managed =
    sql
      .exec<{ id: string; status: string }>(
        `SELECT id, status FROM incidents WHERE managed_by_monitor = ? AND kind = 'incident'
           AND status IN ('investigating', 'identified', 'monitoring') ORDER BY created_at DESC LIMIT 1`,
        report.monitorId,
      )
      .toArray()[0] ?? null;
  const marks = components.map(() => "?").join(", ") || "NULL";
  const coveredByPerson =
    sql
      .exec(
        `SELECT 1 FROM incidents i JOIN incident_components ic ON ic.incident_id = i.id
         WHERE i.kind = 'incident' AND i.managed_by_monitor IS NULL
           AND i.status IN ('investigating', 'identified', 'monitoring') AND ic.component_id IN (${marks}) LIMIT 1`,
        ...components.map((c) => c.id),
      )
      .toArray().length > 0;
  const context: AutoIncidentContext = {
    region: report.region,
    transition,
    firstFailure: transition.firstFailure,
    components,
    managed,
    coveredByPerson,
    timeZone: pageTimeZone(sql),
  };
  const action = planAutoIncident(context);
  switch (action.kind) {
    case "none":
      return null;
    case "open": {
      // Component statuses are already set by the monitors; the incident records them without changing them,
      // as every update does ("Group - Component", old and new status; writes.ts concernedComponents), and the
      // incident page shows each component's worst declared status from them, as for a person's incident.
      // Impact began at the first failing check: time to detect is measured from there (decision 0023).
      const id = createIncident(
        sql,
        {
          name: action.name,
          impact: action.impact,
          body: action.body,
          componentIds: Object.keys(action.components),
          startedAt: iso(Math.min(transition.firstFailure?.at ?? transition.at, now)),
        },
        now,
        changes,
      );
      sql.exec(`UPDATE incidents SET managed_by_monitor = ? WHERE id = ?`, report.monitorId, id);
      return id;
    }
    case "update":
      addIncidentUpdate(sql, action.incidentId, { status: action.status, body: action.body }, now, changes);
      sql.exec(
        `UPDATE incidents SET recovered_at = ? WHERE id = ?`,
        action.status === "monitoring" ? transition.at : null,
        action.incidentId,
      );
      return action.incidentId;
  }
}

/**
 * Resolves the incidents Lookout opened whose target has stayed up for the
 * quiet period; one whose quiet period had passed before the page was
 * restored from a backup is resolved without telling anyone (restored.ts).
 */
export function resolveQuietIncidents(sql: SqlStorage, now: number): string[] {
  const quiet = sql
    .exec<{ id: string; recovered_at: number }>(
      // Through the (kind, visibility, status) index: the incidents being monitored now, not every incident
      // Lookout ever opened (this runs on every heartbeat).
      `SELECT id, recovered_at FROM incidents INDEXED BY incidents_by_visibility_and_status
       WHERE kind = 'incident' AND visibility IN ('public', 'internal') AND status = 'monitoring'
         AND managed_by_monitor IS NOT NULL AND recovered_at IS NOT NULL`,
    )
    .toArray()
    .filter((row) => isQuietLongEnough(row.recovered_at, now));
  const timeZone = pageTimeZone(sql);
  const restored = restoredAt(sql);
  for (const row of quiet) {
    addIncidentUpdate(
      sql,
      row.id,
      {
        status: "resolved",
        body: resolvedText(row.recovered_at, timeZone),
        beforeRestore: isQuietLongEnough(row.recovered_at, restored),
      },
      now,
    );
    // The outage ended at the recovery; the quiet period only confirmed it. `resolved_at` says when it
    // ended, so every duration (pages, v2 JSON, the report) is the outage's (decision 0023).
    sql.exec(`UPDATE incidents SET resolved_at = ? WHERE id = ?`, row.recovered_at, row.id);
  }
  return quiet.map((row) => row.id);
}

/** A person posted to the incident: from now on it is theirs, and Lookout stays out of it. */
export function handOverToPerson(sql: SqlStorage, incidentId: string): void {
  sql.exec(`UPDATE incidents SET managed_by_monitor = NULL WHERE id = ?`, incidentId);
}

function pageTimeZone(sql: SqlStorage): string {
  return pageInfo(sql)?.timeZone ?? "Etc/UTC";
}
