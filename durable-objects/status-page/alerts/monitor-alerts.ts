import type { AlertDetails, AlertSeverity } from "../../../worker/core/alerting/alert.ts";
import type { MonitorConfig } from "../../../worker/core/monitors/monitor-config.ts";
import type { MonitorReport } from "../../../worker/core/monitors/monitor-report.ts";
import { combineRegions } from "../../../worker/core/monitors/quorum.ts";
import type { MonitorState } from "../../../worker/core/monitors/state-machine.ts";
import { suspectSelf } from "../monitors.ts";
import { providerHint } from "../provider-hints.ts";
import { isOpen, openAlert, resolveAlert } from "./lifecycle.ts";
import { silentKey } from "./watchdog.ts";

/** The key of a monitor's outage alert: down and degraded are one alert, which gets worse or better. */
export const monitorKey = (monitorId: string) => `monitor:${monitorId}`;
/** The one alert Lookout raises about itself while the canary fails. */
export const CONNECTIVITY_KEY = "connectivity";

/**
 * After a monitor's report is applied (monitors.ts applyReport), in the same
 * transaction: its alert opens, gets worse or resolves with the monitor's
 * state across its regions. While the canary fails no monitor alert opens —
 * one "Lookout suspects its own connectivity" alert does — and once it is
 * back, monitors still failing alert as usual. A report also ends the
 * watchdog's alert for its monitor (it reports again).
 */
export function alertOnReport(sql: SqlStorage, report: MonitorReport, incidentId: string | null, now: number): void {
  resolveAlert(sql, silentKey(report.monitorId), now);
  // A provider's outage is the provider's to state, not a failing check of yours: it alerts only behind
  // its own flag (decision 0040).
  if (report.provider) return;
  const monitor = sql.exec<{ role: string }>(`SELECT role FROM monitors WHERE id = ?`, report.monitorId).toArray()[0];
  if (monitor?.role === "canary") {
    if (suspectSelf(sql)) {
      // A sign of life of the same failure (no transition) leaves the alert's words as the failure put them.
      if (report.transition || !isOpen(sql, CONNECTIVITY_KEY)) openAlert(sql, connectivityAlert(report), now);
    } else if (resolveAlert(sql, CONNECTIVITY_KEY, now)) {
      for (const { id } of sql.exec<{ id: string }>(`SELECT id FROM monitors WHERE removed_at IS NULL`).toArray()) {
        followMonitorAlert(sql, id, now);
      }
    }
    return;
  }
  followMonitorAlert(sql, report.monitorId, now, report, incidentId);
}

function connectivityAlert(report: MonitorReport) {
  return {
    key: CONNECTIVITY_KEY,
    kind: "lookout_connectivity" as const,
    severity: "error" as const,
    title: "Lookout suspects its own connectivity",
    details: {
      summary: `The canary, a target that is always up, fails: ${report.transition?.summary ?? "no answer"}. Until it is back, Lookout declares no outage and raises no monitor alert.`,
      monitorId: report.monitorId,
      components: [],
      regions: [],
      firstFailingCheckAt: iso(report.transition?.firstFailure?.at ?? report.transition?.at ?? null),
      incidentId: null,
      incidentPublic: false,
    },
  };
}

type Instance = { region: string; state: MonitorState; since: number | null; last_summary: string | null };

/** Opens, updates or resolves the alert of one (non-canary) monitor to match its state across regions now. */
export function followMonitorAlert(
  sql: SqlStorage,
  monitorId: string,
  now: number,
  report: MonitorReport | null = null,
  incidentId: string | null = null,
): void {
  const monitor = sql
    .exec<{ config: string; quorum: number; down_status: string; role: string }>(
      `SELECT config, quorum, down_status, role FROM monitors WHERE id = ? AND removed_at IS NULL`,
      monitorId,
    )
    .toArray()[0];
  // A provider's outage is the provider's to state (decision 0040): never a monitor alert, whatever asks.
  if (!monitor || monitor.role === "canary" || (JSON.parse(monitor.config) as MonitorConfig).kind === "statuspage") {
    return;
  }
  const instances = sql
    .exec<Instance>(
      `SELECT region, state, since, last_summary FROM monitor_instances WHERE monitor_id = ? AND removed_at IS NULL`,
      monitorId,
    )
    .toArray();
  const state = combineRegions(
    instances.map((i) => i.state),
    monitor.quorum,
  );
  const key = monitorKey(monitorId);
  if (state === "up") {
    resolveAlert(sql, key, now);
    return;
  }
  if ((state !== "down" && state !== "degraded") || suspectSelf(sql)) return;
  const severity: AlertSeverity =
    state === "degraded" ? "warning" : monitor.down_status === "major_outage" ? "critical" : "error";
  const open = sql
    .exec<{ severity: AlertSeverity }>(`SELECT severity FROM alerts WHERE key = ? AND status != 'resolved'`, key)
    .toArray()[0];
  // A sign-of-life report of the same trouble changes nothing: the alert is left as it is.
  if (open && !report?.transition && open.severity === severity) return;
  const components = sql
    .exec<{ id: string; name: string; maintained: number }>(
      `SELECT c.id, c.name, EXISTS (SELECT 1 FROM incidents i JOIN incident_components ic ON ic.incident_id = i.id
          WHERE ic.component_id = c.id AND i.kind = 'maintenance' AND i.status IN ('in_progress', 'verifying')) AS maintained
       FROM monitor_components mc JOIN components c ON c.id = mc.component_id
       WHERE mc.monitor_id = ? AND c.removed_at IS NULL ORDER BY c.position`,
      monitorId,
    )
    .toArray();
  // Under a running maintenance its failures are expected: no alert (the component shows under maintenance too).
  if (!open && components.length > 0 && components.every((c) => c.maintained)) return;
  const failing = instances.filter((i) => i.state === "down" || (state === "degraded" && i.state === "degraded"));
  const name = (JSON.parse(monitor.config) as { name?: string }).name;
  const named = components.length > 0 ? components.map((c) => c.name).join(", ") : (name ?? monitorId);
  const verb = components.length > 1 ? "are" : "is";
  const incident =
    sql
      .exec<{ id: string; visibility: string }>(
        `SELECT id, visibility FROM incidents WHERE (id = ? OR managed_by_monitor = ?) AND kind = 'incident'
           AND status IN ('investigating', 'identified', 'monitoring') ORDER BY id = ? DESC, created_at DESC LIMIT 1`,
        incidentId,
        monitorId,
        incidentId,
      )
      .toArray()[0] ?? null;
  const said =
    report?.transition?.summary ?? failing.find((i) => i.last_summary)?.last_summary ?? `${named} ${verb} ${state}`;
  // A provider in trouble under these components is likely why: said always, it only adds words (decision 0043).
  const hint = providerHint(
    sql,
    components.map((c) => c.id),
  );
  const details: AlertDetails = {
    summary: hint ? `${said}. ${hint}` : said,
    monitorId,
    components: components.map(({ id, name }) => ({ id, name })),
    regions: instances.length > 1 ? failing.map((i) => i.region) : [],
    firstFailingCheckAt: iso(
      report?.transition?.firstFailure?.at ??
        (failing.length > 0 ? Math.min(...failing.map((i) => i.since ?? now)) : null),
    ),
    incidentId: incident?.id ?? null,
    incidentPublic: incident?.visibility === "public",
  };
  openAlert(
    sql,
    {
      key,
      kind: state === "down" ? "monitor_down" : "monitor_degraded",
      severity,
      title: `${named} ${verb} ${state === "down" ? "down" : "degraded"}`,
      details,
    },
    now,
  );
}

function iso(at: number | null): string | null {
  return at === null ? null : new Date(at).toISOString();
}
