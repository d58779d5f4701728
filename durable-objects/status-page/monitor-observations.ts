import type { MonitorReport } from "../../worker/core/monitors/monitor-report.ts";
import type { MonitorObservation } from "../../worker/core/reports/monitor-evidence.ts";

/**
 * A monitor's changes of state are kept in the audit log (actor: Lookout), the
 * StatusPage object's record of what Lookout did and saw by itself. They are
 * rare — one row per change, never per check — and they are the only "probe
 * evidence" a post-incident report lists.
 */
export const MONITOR_TRANSITION = "monitor.transition";

type Stored = Omit<MonitorObservation, "monitorName"> & { monitorId: string };

export function observationOf(report: MonitorReport): Stored | null {
  const t = report.transition;
  if (!t) return null;
  return {
    monitorId: report.monitorId,
    region: report.region,
    at: t.at,
    from: t.from,
    to: t.to,
    summary: t.summary,
    firstFailure: t.firstFailure,
  };
}

/** Slack around the incident for a report that arrived after the change it carries. */
const LATE_REPORT_MS = 3_600_000;

/** What the monitors of `componentIds` reported between `from` and `to` (by the monitors' own clocks). */
export function observationsFor(
  sql: SqlStorage,
  componentIds: readonly string[],
  from: number,
  to: number,
): MonitorObservation[] {
  if (componentIds.length === 0) return [];
  const marks = componentIds.map(() => "?").join(", ");
  const monitors = new Map(
    sql
      .exec<{ id: string; config: string }>(
        `SELECT DISTINCT m.id, m.config FROM monitors m JOIN monitor_components mc ON mc.monitor_id = m.id
         WHERE mc.component_id IN (${marks})`,
        ...componentIds,
      )
      .toArray()
      .map((m) => [m.id, (JSON.parse(m.config) as { name?: string }).name ?? m.id]),
  );
  if (monitors.size === 0) return [];
  const ids = [...monitors.keys()];
  const rows = sql
    .exec<{ after: string }>(
      `SELECT after FROM audit_log WHERE action = ? AND at >= ? AND at <= ?
         AND target IN (${ids.map(() => "?").join(", ")}) ORDER BY seq`,
      MONITOR_TRANSITION,
      from - LATE_REPORT_MS,
      to + LATE_REPORT_MS,
      ...ids,
    )
    .toArray();
  return rows.map((row) => {
    const { monitorId, ...rest } = JSON.parse(row.after) as Stored;
    return { ...rest, monitorName: monitors.get(monitorId) ?? monitorId };
  });
}
