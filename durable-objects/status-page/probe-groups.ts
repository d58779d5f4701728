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
    // Its memory and samples are taken over from where they are: the first holder, if a move is still pending.
    sql.exec(
      `UPDATE monitor_instances SET moved_from = COALESCE(moved_from, probe_group), probe_group = ?
       WHERE monitor_id = ? AND region = ?`,
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
 * a grace period. A group a monitor is
 * moving away from waits until the new holder took it over: told first, it
 * would forget the monitor's memory. One read of the small `probe_groups`
 * table (a few dozen rows for 1,000 monitors) and of an index of moves.
 */
export function pendingGroupKicks(
  sql: SqlStorage,
  now: number,
  probing: boolean,
  limit: number,
): { name: string; region: string }[] {
  const moving = new Set(
    sql
      .exec<{ moved_from: string }>(
        `SELECT moved_from FROM monitor_instances INDEXED BY monitor_instances_moving
         WHERE moved_from IS NOT NULL AND removed_at IS NULL`,
      )
      .toArray()
      .map((row) => row.moved_from),
  );
  return sql
    .exec<{ name: string; region: string }>(
      `SELECT name, region FROM probe_groups
       WHERE started_fingerprint IS NOT (fingerprint || ?)
         OR (fingerprint != 'empty' AND kicked_at < ?
             AND COALESCE(last_report_at, kicked_at, 0) < ? - MAX(3 * COALESCE(interval_ms, 0), ?))`,
      `:${probing ? 1 : 0}`,
      now - KICK_GRACE_MS,
      now,
      3 * REPORT_EVERY_MS,
    )
    .toArray()
    .filter((group) => !moving.has(group.name))
    .slice(0, limit);
}

/** What group `name` must check now. */
export function groupAssignment(sql: SqlStorage, name: string, probing: boolean): GroupAssignment {
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
  return { members, probing };
}

/** The group took its assignment: its monitors moved in, its removed ones are stopped. Call inside a transaction. */
export function markGroupStarted(sql: SqlStorage, name: string, probing: boolean, now: number): void {
  sql.exec(
    `UPDATE probe_groups SET started_fingerprint = fingerprint || ?, kicked_at = ? WHERE name = ?`,
    `:${probing ? 1 : 0}`,
    now,
    name,
  );
  sql.exec(
    `UPDATE monitor_instances SET moved_from = NULL, kicked_at = ?,
       started_fingerprint = (SELECT fingerprint FROM monitors WHERE id = monitor_id)
     WHERE probe_group = ? AND removed_at IS NULL`,
    now,
    name,
  );
  sql.exec(
    `UPDATE monitor_instances SET stopped_at = ? WHERE probe_group = ? AND removed_at IS NOT NULL AND stopped_at IS NULL`,
    now,
    name,
  );
}

/** The group was heard from: it is alive. */
export function noteGroupReport(sql: SqlStorage, name: string, now: number): void {
  sql.exec(`UPDATE probe_groups SET last_report_at = ? WHERE name = ?`, now, name);
}
