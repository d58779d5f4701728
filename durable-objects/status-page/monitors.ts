import type { LookoutConfig } from "../../worker/core/config/schema.ts";
import type { FlagValues } from "../../worker/core/flags.ts";
import { componentStatusFromMonitors } from "../../worker/core/monitors/component-status.ts";
import { type MonitorReport, regionsOf } from "../../worker/core/monitors/monitor-report.ts";
import { combineRegions, defaultQuorum } from "../../worker/core/monitors/quorum.ts";
import { ROLLUP_DAYS } from "../../worker/core/monitors/rollup.ts";
import type { MonitorState } from "../../worker/core/monitors/state-machine.ts";
import { fingerprint } from "../../worker/core/page-id.ts";
import type { ProviderObservation } from "../../worker/core/providers/provider-observation.ts";
import type { AffectedComponent } from "../../worker/core/read-model.ts";
import { type ComponentStatus, componentSeverity } from "../../worker/core/statuses.ts";
import { followWithIncident } from "./auto-incidents.ts";
import { noteMonitorIntervals } from "./no-data.ts";
import { placeProbeGroups } from "./probe-groups.ts";
import { endUnreadable, noteUnreadable } from "./provider-unreadable.ts";
import { setComponentStatus } from "./writes.ts";

/** Recent latency is kept this long for the page's sparklines and charts. */
const LATENCY_WINDOW_MS = 48 * 3_600_000;
/**
 * Makes the stored monitors match the config: one instance per monitor and
 * region, each placed in a probe group. A monitor dropped from the config is
 * marked removed and left out of its group at the next kick; its history
 * stays. Call inside a transaction.
 */
export function reconcileMonitors(sql: SqlStorage, config: LookoutConfig, now: number): void {
  const wanted = new Map(config.monitors.map((m) => [m.id, m]));
  for (const monitor of config.monitors) {
    const regions = regionsOf(monitor);
    sql.exec(
      `INSERT INTO monitors (id, config, fingerprint, quorum, down_status, interval_seconds, role, removed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, NULL)
       ON CONFLICT (id) DO UPDATE SET config = excluded.config, fingerprint = excluded.fingerprint,
         quorum = excluded.quorum, down_status = excluded.down_status,
         interval_seconds = excluded.interval_seconds, role = excluded.role, removed_at = NULL`,
      monitor.id,
      JSON.stringify(monitor),
      fingerprint(JSON.stringify(monitor)),
      monitor.quorum ?? defaultQuorum(regions.length),
      monitor.downStatus,
      monitor.intervalSeconds,
      monitor.role,
    );
    sql.exec(`DELETE FROM monitor_components WHERE monitor_id = ?`, monitor.id);
    for (const componentId of monitor.components) {
      sql.exec(`INSERT INTO monitor_components (monitor_id, component_id) VALUES (?, ?)`, monitor.id, componentId);
    }
    for (const region of regions) {
      sql.exec(
        `INSERT INTO monitor_instances (monitor_id, region) VALUES (?, ?)
         ON CONFLICT (monitor_id, region) DO UPDATE SET removed_at = NULL, stopped_at = NULL,
           -- Back after a removal: it left its group, so it is placed and started again.
           started_fingerprint = CASE WHEN removed_at IS NULL THEN started_fingerprint END,
           kicked_at = CASE WHEN removed_at IS NULL THEN kicked_at END,
           probe_group = CASE WHEN removed_at IS NULL THEN probe_group END,
           moved_from = CASE WHEN removed_at IS NULL THEN moved_from END`,
        monitor.id,
        region,
      );
    }
    if (monitor.kind !== "statuspage") {
      // Once a statuspage monitor, now another kind under the same id: what its provider stated is no longer its word.
      sql.exec(
        `UPDATE monitor_instances SET provider = NULL WHERE monitor_id = ? AND provider IS NOT NULL`,
        monitor.id,
      );
      endUnreadable(sql, monitor.id, now);
    }
    const placeholders = regions.map(() => "?").join(", ");
    sql.exec(
      `UPDATE monitor_instances SET removed_at = ? WHERE monitor_id = ? AND removed_at IS NULL AND region NOT IN (${placeholders})`,
      now,
      monitor.id,
      ...regions,
    );
  }
  for (const row of sql.exec<{ id: string }>(`SELECT id FROM monitors WHERE removed_at IS NULL`).toArray()) {
    if (wanted.has(row.id)) continue;
    sql.exec(`UPDATE monitors SET removed_at = ? WHERE id = ?`, now, row.id);
    sql.exec(`UPDATE monitor_instances SET removed_at = ? WHERE monitor_id = ? AND removed_at IS NULL`, now, row.id);
    sql.exec(`DELETE FROM monitor_components WHERE monitor_id = ?`, row.id);
    // Nobody follows its page any more: a stretch it left open ends here, not never.
    endUnreadable(sql, row.id, now);
  }
  noteMonitorIntervals(
    sql,
    config.monitors.map((m) => m.intervalSeconds),
  );
  placeProbeGroups(sql);
}

/**
 * Adds reports' answered checks to their components' hourly response times
 * (hours past the window go in `forgetOldLatency`): summed per component and
 * hour first, so a probe group's batch writes each component's hour once
 * however many of its monitors feed it. Call inside a transaction.
 */
export function addLatency(sql: SqlStorage, reports: readonly MonitorReport[]): void {
  const sums = new Map<string, { componentId: string; hour: number; checks: number; totalMs: number }>();
  for (const report of reports) {
    const latency = report.latency;
    const answered = latency ? latency.checks - latency.failures : 0;
    // How fast a provider's status page answers says nothing about the provider's service.
    if (!latency || latency.meanMs === null || answered <= 0 || report.provider) continue;
    const hour = Math.floor(latency.to / 3_600_000);
    for (const { component_id } of sql
      .exec<{ component_id: string }>(
        `SELECT component_id FROM monitor_components WHERE monitor_id = ?`,
        report.monitorId,
      )
      .toArray()) {
      const key = `${component_id}\n${hour}`;
      const sum = sums.get(key) ?? { componentId: component_id, hour, checks: 0, totalMs: 0 };
      sum.checks += answered;
      sum.totalMs += Math.round(latency.meanMs * answered);
      sums.set(key, sum);
    }
  }
  for (const { componentId, hour, checks, totalMs } of sums.values()) {
    sql.exec(
      `INSERT INTO latency_hourly (component_id, hour, checks, total_ms) VALUES (?, ?, ?, ?)
       ON CONFLICT (component_id, hour) DO UPDATE SET checks = checks + excluded.checks, total_ms = total_ms + excluded.total_ms`,
      componentId,
      hour,
      checks,
      totalMs,
    );
  }
}

/**
 * Forgets hours of latency past the window. Run by the cron tick, not on every
 * report: a report then costs the same rows however many components and hours
 * are stored, and the tick's delete reads through the index on the hour
 * (schema migration 13) only the rows it deletes — at most one per component
 * when an hour has passed, none otherwise. Readers ask for the window's hours
 * (snapshot.ts latencyByComponent), so an hour kept a minute longer shows nowhere.
 */
export function forgetOldLatency(sql: SqlStorage, now: number): void {
  sql.exec(`DELETE FROM latency_hourly WHERE hour < ?`, Math.floor((now - LATENCY_WINDOW_MS) / 3_600_000));
}

/**
 * Takes a Monitor object's report: its state, latency and finished days; on a
 * change of state, the statuses of the components it drives follow.
 * Returns the component changes it made. Call inside a transaction.
 */
export function applyReport(
  sql: SqlStorage,
  report: MonitorReport,
  now: number,
  flags: Pick<FlagValues, "automatic_incidents">,
): { changes: AffectedComponent[]; incidentId: string | null; providerNews?: boolean } {
  const instance = sql
    .exec<{ state: MonitorState; provider: string | null }>(
      `SELECT state, provider FROM monitor_instances WHERE monitor_id = ? AND region = ? AND removed_at IS NULL`,
      report.monitorId,
      report.region,
    )
    .toArray()[0];
  // A report from a monitor the config no longer has is dropped, not an error: it may race its stop.
  if (!instance) return { changes: [], incidentId: null };
  // Rewritten only when it says something new: that its group is alive is noted once per batch, on the group
  // (probe-groups.ts noteGroupReport), not on each of its monitors every few minutes.
  const summary = report.transition?.summary ?? null;
  sql.exec(
    `UPDATE monitor_instances SET state = ?1, since = ?2, last_report_at = ?3, last_summary = ?4
     WHERE monitor_id = ?5 AND region = ?6
       AND (state IS NOT ?1 OR since IS NOT ?2 OR last_summary IS NOT ?4 OR last_report_at IS NULL)`,
    report.state,
    report.since,
    report.at,
    summary,
    report.monitorId,
    report.region,
  );
  if (report.rollups.length > 0) {
    const oldest = new Date(now - ROLLUP_DAYS * 86_400_000).toISOString().slice(0, 10);
    sql.exec(
      `DELETE FROM monitor_daily WHERE monitor_id = ? AND region = ? AND day < ?`,
      report.monitorId,
      report.region,
      oldest,
    );
  }
  for (const r of report.rollups) {
    sql.exec(
      `INSERT OR REPLACE INTO monitor_daily (monitor_id, region, day, checks, down_checks, degraded_checks, down_seconds,
         mean_latency_ms, p95_latency_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      report.monitorId,
      report.region,
      r.day,
      r.checks,
      r.downChecks,
      r.degradedChecks,
      r.downSeconds,
      r.meanLatencyMs,
      r.p95LatencyMs,
    );
  }
  // What a provider says is on its components' pages (third-parties.ts): a new observation is a new page version.
  const providerNews = report.provider !== undefined && JSON.stringify(report.provider) !== instance.provider;
  const providerMoved = report.provider !== undefined && keepProvider(sql, report, instance.provider);
  if (instance.state === report.state && !providerMoved) return { changes: [], incidentId: null, providerNews };
  if (isCanary(sql, report.monitorId)) {
    // Lookout's own connectivity changed: once it is back, every component catches up with its monitors.
    return { changes: report.state === "down" ? [] : followAllMonitors(sql, now), incidentId: null };
  }
  const components = sql
    .exec<{ component_id: string }>(
      `SELECT component_id FROM monitor_components WHERE monitor_id = ?`,
      report.monitorId,
    )
    .toArray();
  // The component changed, and an automatic incident was declared, when the monitor changed state, not when its
  // report arrived: a report retried later keeps its time, so durations are the outage's (decision 0023).
  const at = report.transition ? Math.min(report.transition.at, now) : now;
  const changes = components
    .map((row) => followMonitors(sql, row.component_id, Math.max(at, lastChangeAt(sql, row.component_id))))
    .filter((change): change is AffectedComponent => change !== null);
  // A provider's outage is not a failing check of yours: it opens incidents only behind its own flag.
  const incidentId =
    flags.automatic_incidents && !report.provider && !suspectSelf(sql)
      ? followWithIncident(sql, report, at, changes)
      : null;
  return { changes, incidentId, providerNews };
}

/**
 * Stores a statuspage monitor's observation of its provider when it changed;
 * true when the status the provider states moved (its components follow).
 */
function keepProvider(sql: SqlStorage, report: MonitorReport, stored: string | null): boolean {
  const observation = JSON.stringify(report.provider);
  if (observation === stored) return false;
  sql.exec(
    `UPDATE monitor_instances SET provider = ? WHERE monitor_id = ? AND region = ?`,
    observation,
    report.monitorId,
    report.region,
  );
  const before = stored ? (JSON.parse(stored) as ProviderObservation) : null;
  if (report.provider) noteUnreadable(sql, report.monitorId, before, report.provider, Math.min(report.at, Date.now()));
  return (before?.lastKnown ?? null) !== (report.provider?.lastKnown ?? null);
}

/** When the component's status last changed: a late report never writes history out of order. */
function lastChangeAt(sql: SqlStorage, componentId: string): number {
  const row = sql
    .exec<{ at: number | null }>(
      `SELECT MAX(at) AS at FROM component_status_history WHERE component_id = ?`,
      componentId,
    )
    .one();
  return row.at ?? 0;
}

/**
 * Is it us or them? While a canary — a check of a target that is always up —
 * fails, the failures Lookout sees are likely its own, so it declares no
 * outage until the canary is back.
 */
export function suspectSelf(sql: SqlStorage): boolean {
  const rows = sql
    .exec<{ monitor_id: string; quorum: number; state: MonitorState }>(
      // The canaries' partial index (schema migration 13): this runs on every report of a failing monitor.
      `SELECT m.id AS monitor_id, m.quorum, i.state FROM monitors m INDEXED BY monitors_canaries
         JOIN monitor_instances i ON i.monitor_id = m.id AND i.removed_at IS NULL
       WHERE m.role = 'canary' AND m.removed_at IS NULL`,
    )
    .toArray();
  const byCanary = new Map<string, { quorum: number; states: MonitorState[] }>();
  for (const row of rows) {
    const entry = byCanary.get(row.monitor_id) ?? { quorum: row.quorum, states: [] };
    entry.states.push(row.state);
    byCanary.set(row.monitor_id, entry);
  }
  return [...byCanary.values()].some((c) => combineRegions(c.states, c.quorum) === "down");
}

function isCanary(sql: SqlStorage, monitorId: string): boolean {
  return sql.exec(`SELECT 1 FROM monitors WHERE id = ? AND role = 'canary'`, monitorId).toArray().length > 0;
}

function followAllMonitors(sql: SqlStorage, now: number): AffectedComponent[] {
  return sql
    .exec<{ component_id: string }>(`SELECT DISTINCT component_id FROM monitor_components`)
    .toArray()
    .map((row) => followMonitors(sql, row.component_id, now))
    .filter((change): change is AffectedComponent => change !== null);
}

/**
 * Sets a component to what its monitors say, unless a maintenance is running
 * on it (its failures then do not alert: it shows under maintenance), and
 * never for the worse while Lookout suspects its own connectivity.
 */
export function followMonitors(sql: SqlStorage, componentId: string, now: number): AffectedComponent | null {
  const inMaintenance = sql
    .exec(
      `SELECT 1 FROM incidents i JOIN incident_components ic ON ic.incident_id = i.id
       WHERE ic.component_id = ? AND i.kind = 'maintenance' AND i.status IN ('in_progress', 'verifying') LIMIT 1`,
      componentId,
    )
    .toArray().length;
  if (inMaintenance) return null;
  const status = monitorStatusOf(sql, componentId);
  if (!status) return null;
  if (suspectSelf(sql)) {
    const current = sql
      .exec<{ status: ComponentStatus }>(`SELECT status FROM components WHERE id = ?`, componentId)
      .one();
    if (componentSeverity(status) > componentSeverity(current.status)) return null;
  }
  return setComponentStatus(sql, componentId, status, now);
}

/** What the monitors of a component say, or null when it has none or none knows yet. */
export function monitorStatusOf(sql: SqlStorage, componentId: string) {
  const rows = sql
    .exec<{
      monitor_id: string;
      quorum: number;
      down_status: "partial_outage" | "major_outage";
      state: MonitorState;
      provider: string | null;
    }>(
      `SELECT m.id AS monitor_id, m.quorum, m.down_status, i.state, i.provider FROM monitor_components mc
         JOIN monitors m ON m.id = mc.monitor_id AND m.removed_at IS NULL
         JOIN monitor_instances i ON i.monitor_id = m.id AND i.removed_at IS NULL
       WHERE mc.component_id = ?`,
      componentId,
    )
    .toArray();
  const byMonitor = new Map<
    string,
    {
      quorum: number;
      downStatus: (typeof rows)[number]["down_status"];
      states: MonitorState[];
      provider: boolean;
      stated: ComponentStatus | null;
    }
  >();
  for (const row of rows) {
    const entry = byMonitor.get(row.monitor_id) ?? {
      quorum: row.quorum,
      downStatus: row.down_status,
      states: [],
      provider: row.provider !== null,
      // A provider states its status itself (a statuspage monitor, read from one place): mirrored as stated.
      stated: row.provider ? (JSON.parse(row.provider) as ProviderObservation).lastKnown : null,
    };
    entry.states.push(row.state);
    byMonitor.set(row.monitor_id, entry);
  }
  return componentStatusFromMonitors(
    [...byMonitor.values()].map((m) => ({
      // A provider that never stated anything Lookout could read knows nothing yet, whatever its state says.
      state: m.provider && m.stated === null ? "unknown" : combineRegions(m.states, m.quorum),
      downStatus: m.downStatus,
      stated: m.stated,
    })),
  );
}
