import type { GroupAssignment } from "../../worker/core/monitors/handover.ts";
import type { MonitorConfig } from "../../worker/core/monitors/monitor-config.ts";
import { REPORT_EVERY_MS } from "../../worker/core/monitors/monitor-report.ts";
import { placeInstances } from "../../worker/core/monitors/probe-groups.ts";
import { fingerprint } from "../../worker/core/page-id.ts";

/** A kicked group gets this long to report before it is kicked again. */
export const KICK_GRACE_MS = 60_000;

/**
 * Puts every monitor instance in a Monitor object (a probe group,
 * worker/core/monitors/probe-groups.ts) and notes, per group, the fingerprint
 * of what it must check. A group whose fingerprint differs from the one it
 * was last started with is kicked (pendingGroupKicks). Call inside a
 * transaction, when the monitors change: it reads every instance.
 */
export function placeProbeGroups(sql: SqlStorage): void {
  const instances = sql
    .exec<{ monitor_id: string; region: string; probe_group: string | null; config: string; interval_seconds: number }>(
      `SELECT i.monitor_id, i.region, i.probe_group, m.config, m.interval_seconds FROM monitor_instances i
         JOIN monitors m ON m.id = i.monitor_id
       WHERE i.removed_at IS NULL AND m.removed_at IS NULL`,
    )
    .toArray()
    .map((row) => ({
      monitorId: row.monitor_id,
      region: row.region,
      kind: (JSON.parse(row.config) as MonitorConfig).kind,
      intervalSeconds: row.interval_seconds,
      group: row.probe_group,
    }));
  for (const [instance, group] of placeInstances(instances)) {
    // Its memory and samples are taken over from where they are: the first holder, if a move is still pending
    // (and none, when it goes back there before the move happened).
    sql.exec(
      `UPDATE monitor_instances SET
         moved_from = CASE WHEN COALESCE(moved_from, probe_group) = ?1 THEN NULL ELSE COALESCE(moved_from, probe_group) END,
         probe_group = ?1
       WHERE monitor_id = ?2 AND region = ?3`,
      group,
      instance.monitorId,
      instance.region,
    );
  }
  sql.exec(
    `INSERT INTO probe_groups (name, region)
       SELECT DISTINCT probe_group, region FROM monitor_instances WHERE probe_group IS NOT NULL
     ON CONFLICT (name) DO NOTHING`,
  );
  const members = new Map<string, { keys: string[]; intervalMs: number }>();
  for (const row of sql
    .exec<{ probe_group: string; monitor_id: string; region: string; fingerprint: string; interval_seconds: number }>(
      `SELECT i.probe_group, i.monitor_id, i.region, m.fingerprint, m.interval_seconds FROM monitor_instances i
         JOIN monitors m ON m.id = i.monitor_id
       WHERE i.removed_at IS NULL AND m.removed_at IS NULL AND i.probe_group IS NOT NULL
       ORDER BY i.probe_group, i.monitor_id`,
    )
    .toArray()) {
    const entry = members.get(row.probe_group) ?? { keys: [], intervalMs: Number.POSITIVE_INFINITY };
    entry.keys.push(`${row.monitor_id}@${row.region}:${row.fingerprint}`);
    entry.intervalMs = Math.min(entry.intervalMs, row.interval_seconds * 1000);
    members.set(row.probe_group, entry);
  }
  for (const { name } of sql.exec<{ name: string }>(`SELECT name FROM probe_groups`).toArray()) {
    const entry = members.get(name);
    // An empty group is told so once (its monitors left), then never kicked again.
    const print = entry ? fingerprint(entry.keys.join("\n")) : "empty";
    const intervalMs = entry ? entry.intervalMs : null;
    sql.exec(
      `UPDATE probe_groups SET fingerprint = ?, interval_ms = ? WHERE name = ? AND (fingerprint IS NOT ? OR interval_ms IS NOT ?)`,
      print,
      intervalMs,
      name,
      print,
      intervalMs,
    );
  }
}

/**
 * Groups that need a word: never started, started with other members, configs
 * or `probing` flag (pushed this way, so no check asks for it), or silent for
 * too long (three intervals, or three report periods) and not kicked within
 * a grace period. A group whose last kick failed waits a grace period too
 * (meanwhile the others are kicked). One read of the small
 * `probe_groups` table: a few dozen rows for 1,000 monitors.
 */
export function pendingGroupKicks(
  sql: SqlStorage,
  now: number,
  probing: boolean,
  limit: number,
): { name: string; region: string }[] {
  return sql
    .exec<{ name: string; region: string }>(
      `SELECT name, region FROM probe_groups
       WHERE (failed_at IS NULL OR failed_at < ?2)
         AND (started_fingerprint IS NOT (fingerprint || ?1)
              OR (fingerprint != 'empty' AND kicked_at < ?2
                  AND COALESCE(last_report_at, kicked_at, 0) < ?3 - MAX(3 * COALESCE(interval_ms, 0), ?4)))
       LIMIT ?5`,
      `:${probing ? 1 : 0}`,
      now - KICK_GRACE_MS,
      now,
      3 * REPORT_EVERY_MS,
      limit,
    )
    .toArray();
}

/** What group `name` must check now, and the fingerprint of it (what to mark started once it took it). */
export function groupAssignment(
  sql: SqlStorage,
  name: string,
  probing: boolean,
): { assignment: GroupAssignment; fingerprint: string | null } {
  const members = sql
    .exec<{ config: string; region: string; moved_from: string | null }>(
      `SELECT m.config, i.region, i.moved_from FROM monitor_instances i JOIN monitors m ON m.id = i.monitor_id
       WHERE i.probe_group = ? AND i.removed_at IS NULL AND m.removed_at IS NULL ORDER BY i.monitor_id`,
      name,
    )
    .toArray()
    .map((row) => ({
      monitor: JSON.parse(row.config) as MonitorConfig,
      region: row.region,
      movedFrom: row.moved_from,
    }));
  // Monitors moving out: kept (and checked) here until their new group has taken them over.
  const leaving = sql
    .exec<{ monitor_id: string }>(
      `SELECT monitor_id FROM monitor_instances INDEXED BY monitor_instances_moving
       WHERE moved_from = ? AND removed_at IS NULL`,
      name,
    )
    .toArray()
    .map((row) => row.monitor_id);
  const print = sql
    .exec<{ fingerprint: string | null }>(`SELECT fingerprint FROM probe_groups WHERE name = ?`, name)
    .toArray()[0];
  return { assignment: { members, leaving, probing }, fingerprint: print?.fingerprint ?? null };
}

/**
 * The group took `sent`: marked started with what was sent (not what may have
 * changed while it was on its way), the monitors it took over no longer
 * moving, its removed ones stopped. Call inside a transaction.
 */
export function markGroupStarted(
  sql: SqlStorage,
  name: string,
  sent: { assignment: GroupAssignment; fingerprint: string | null },
  now: number,
): void {
  sql.exec(
    `UPDATE probe_groups SET started_fingerprint = ?, kicked_at = ?, failed_at = NULL WHERE name = ?`,
    `${sent.fingerprint}:${sent.assignment.probing ? 1 : 0}`,
    now,
    name,
  );
  for (const { monitor, region, movedFrom } of sent.assignment.members) {
    sql.exec(
      `UPDATE monitor_instances SET kicked_at = ?, moved_from = CASE WHEN moved_from IS ? THEN NULL ELSE moved_from END,
         started_fingerprint = (SELECT fingerprint FROM monitors WHERE id = monitor_id)
       WHERE monitor_id = ? AND region = ? AND probe_group = ?`,
      now,
      movedFrom,
      monitor.id,
      region,
      name,
    );
  }
  sql.exec(
    `UPDATE monitor_instances SET stopped_at = ? WHERE probe_group = ? AND removed_at IS NOT NULL AND stopped_at IS NULL`,
    now,
    name,
  );
}

/** The group could not be told (it threw or was unreachable): it is tried again after a grace period. */
export function markGroupFailed(sql: SqlStorage, name: string, now: number): void {
  sql.exec(`UPDATE probe_groups SET failed_at = ? WHERE name = ?`, now, name);
}

/** Whether group `name` holds a report's instance (or still does, while it moves away). */
export function holdsInstance(sql: SqlStorage, name: string, report: { monitorId: string; region: string }): boolean {
  return (
    sql
      .exec(
        `SELECT 1 FROM monitor_instances WHERE monitor_id = ? AND region = ? AND (probe_group = ?3 OR moved_from = ?3)`,
        report.monitorId,
        report.region,
        name,
      )
      .toArray().length > 0
  );
}

/** The group was heard from: it is alive. */
export function noteGroupReport(sql: SqlStorage, name: string, now: number): void {
  sql.exec(`UPDATE probe_groups SET last_report_at = ? WHERE name = ?`, now, name);
}
