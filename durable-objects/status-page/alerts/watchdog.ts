import { REPORT_EVERY_MS } from "../../../worker/core/monitors/monitor-report.ts";
import { KICK_GRACE_MS } from "../probe-groups.ts";
import { openAlert, openAlertKeys, resolveAlert } from "./lifecycle.ts";

export const silentKey = (monitorId: string) => `silent:${monitorId}`;

/**
 * The heartbeat's watchdog: a Monitor object (a probe group) that reported
 * before, then went quiet for longer than makes the heartbeat restart it
 * (probe-groups.ts pendingGroupKicks) plus a kick's grace, and has been
 * restarted since without a word for a kick's grace (a restart needs that
 * long to report), raises a monitor_silent alert for each of its monitors. An
 * object quiet because Lookout itself was away is restarted first and alerts
 * only if that did not bring it back; one that never reported is left to its
 * kicks (a slow first check is no silence). Its next report resolves it at
 * once (alerts/monitor-alerts.ts); so does its removal. Reads the groups
 * kicked since their last report through a partial index, then the instances
 * of the silent ones.
 * Call inside a transaction.
 */
export function watchSilentMonitors(sql: SqlStorage, now: number): void {
  const groups = sql
    .exec<{ name: string; heard: number }>(
      `SELECT name, last_report_at AS heard FROM probe_groups INDEXED BY probe_groups_kicked_since_report
       WHERE kicked_at > last_report_at AND fingerprint != 'empty'
         AND last_report_at < ? - MAX(3 * COALESCE(interval_ms, 0), ?) - ?
         AND kicked_at < ? - ?`,
      now,
      3 * REPORT_EVERY_MS,
      KICK_GRACE_MS,
      now,
      KICK_GRACE_MS,
    )
    .toArray();
  const silent = new Map<string, { name: string; regions: string[]; since: number }>();
  for (const group of groups) {
    const rows = sql
      .exec<{ id: string; config: string; region: string }>(
        `SELECT m.id, m.config, i.region FROM monitor_instances i JOIN monitors m ON m.id = i.monitor_id
         WHERE i.probe_group = ? AND i.removed_at IS NULL AND m.removed_at IS NULL`,
        group.name,
      )
      .toArray();
    for (const row of rows) {
      const entry = silent.get(row.id) ?? {
        name: (JSON.parse(row.config) as { name?: string }).name ?? row.id,
        regions: [],
        since: group.heard,
      };
      entry.regions.push(row.region);
      entry.since = Math.min(entry.since, group.heard);
      silent.set(row.id, entry);
    }
  }
  for (const [monitorId, { name, regions, since }] of silent) {
    const components = sql
      .exec<{ id: string; name: string }>(
        `SELECT c.id, c.name FROM monitor_components mc JOIN components c ON c.id = mc.component_id
         WHERE mc.monitor_id = ? AND c.removed_at IS NULL ORDER BY c.position`,
        monitorId,
      )
      .toArray();
    const at = new Date(since).toISOString();
    openAlert(
      sql,
      {
        key: silentKey(monitorId),
        kind: "monitor_silent",
        severity: "error",
        title: `Monitor ${name} stopped reporting`,
        details: {
          summary: `No report from monitor ${name} (${regions.join(", ")}) since ${at}, though it was restarted: its components' status is not being checked.`,
          monitorId,
          components,
          regions: regions.filter((r) => r !== "default"),
          firstFailingCheckAt: null,
          incidentId: null,
          incidentPublic: false,
        },
      },
      now,
    );
  }
  for (const key of openAlertKeys(sql, "monitor_silent")) {
    if (!silent.has(key.slice("silent:".length))) resolveAlert(sql, key, now);
  }
}
