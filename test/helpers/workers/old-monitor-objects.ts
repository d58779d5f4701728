import { runInDurableObject } from "cloudflare:test";
import type { Monitor } from "../../../durable-objects/monitor/monitor.ts";
import { MONITOR_MIGRATIONS } from "../../../durable-objects/monitor/schema.ts";
import type { StoredSample } from "../../../worker/core/monitors/handover.ts";
import type { MonitorConfig } from "../../../worker/core/monitors/monitor-config.ts";
import type { MonitorReport } from "../../../worker/core/monitors/monitor-report.ts";
import type { DailyRollup } from "../../../worker/core/monitors/rollup.ts";
import type { MonitorMemory } from "../../../worker/core/monitors/state-machine.ts";

/**
 * What a Monitor object of the one-monitor-per-object layout (its schema 1,
 * before probe groups, decision 0038) kept: its meta keys, its raw samples and
 * its daily roll-ups, as that code wrote them.
 */
export interface OldMonitorObject {
  config: MonitorConfig;
  region: string;
  memory: MonitorMemory | null;
  nextCheckAt: number;
  watchingSince: number;
  lastPingAt?: number;
  lastReportAt: number;
  unsentReport: MonitorReport | null;
  rolledUntil: number;
  samples: StoredSample[];
  daily: DailyRollup[];
}

/**
 * Leaves the object behind `stub` exactly as the old code left it: every
 * table of today's schema dropped, schema 1's tables (the first migration,
 * unchanged) filled with these rows, `schema_version` 1, its alarm at its
 * next check. Then the object is restarted, so its next use runs today's
 * constructor and migrations on those rows for real.
 */
export async function leaveAsOldObject(stub: DurableObjectStub<Monitor>, old: OldMonitorObject): Promise<void> {
  await runInDurableObject(stub, async (_instance, state) => {
    const sql = state.storage.sql;
    state.storage.transactionSync(() => {
      const tables = sql
        .exec<{ name: string }>(
          `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'`,
        )
        .toArray();
      for (const { name } of tables) sql.exec(`DROP TABLE "${name}"`);
      for (const statement of MONITOR_MIGRATIONS[0] ?? []) sql.exec(statement);
      const meta: [string, string | undefined][] = [
        ["schema_version", "1"],
        ["monitor_id", old.config.id],
        ["region", old.region],
        ["config", JSON.stringify(old.config)],
        ["stopped", "0"],
        ["next_check_at", String(old.nextCheckAt)],
        ["watching_since", String(old.watchingSince)],
        ["last_ping_at", old.lastPingAt === undefined ? undefined : String(old.lastPingAt)],
        ["memory", old.memory ? JSON.stringify(old.memory) : undefined],
        ["last_report_at", String(old.lastReportAt)],
        ["unsent_report", old.unsentReport ? JSON.stringify(old.unsentReport) : undefined],
        ["rolled_until", String(old.rolledUntil)],
      ];
      for (const [key, value] of meta) {
        if (value !== undefined) sql.exec(`INSERT INTO meta (key, value) VALUES (?, ?)`, key, value);
      }
      for (const s of old.samples) {
        sql.exec(
          `INSERT INTO samples (at, outcome, latency_ms, status_code, state, summary) VALUES (?, ?, ?, ?, ?, ?)`,
          s.at,
          s.outcome,
          s.latencyMs,
          s.statusCode,
          s.state,
          s.summary,
        );
      }
      for (const d of old.daily) {
        sql.exec(
          `INSERT INTO daily (day, checks, down_checks, degraded_checks, down_seconds, mean_latency_ms, p95_latency_ms)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
          d.day,
          d.checks,
          d.downChecks,
          d.degradedChecks,
          d.downSeconds,
          d.meanLatencyMs,
          d.p95LatencyMs,
        );
      }
    });
    await state.storage.setAlarm(old.nextCheckAt);
  });
  await restart(stub);
}

/** Restarts one Monitor object (its in-memory state goes; storage and alarm stay), as an eviction would. */
export async function restart(stub: DurableObjectStub<Monitor>): Promise<void> {
  await runInDurableObject(stub, (_instance, state) => state.abort("restart")).catch(() => {});
}

/** A fresh Monitor object: nothing stored, no alarm (as one never used). */
export async function wipe(stub: DurableObjectStub<Monitor>): Promise<void> {
  await runInDurableObject(stub, async (_instance, state) => {
    await state.storage.deleteAlarm();
    await state.storage.deleteAll();
  });
  await restart(stub);
}
