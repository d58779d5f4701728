import { DurableObject } from "cloudflare:workers";
import { judgeHeartbeat, wasAway } from "../../worker/core/monitors/heartbeat.ts";
import type { MonitorConfig } from "../../worker/core/monitors/monitor-config.ts";
import { type MonitorReport, REPORT_EVERY_MS } from "../../worker/core/monitors/monitor-report.ts";
import { type DailyRollup, ROLLUP_DAYS, rollUpDay, type Sample } from "../../worker/core/monitors/rollup.ts";
import { nextRunAt, phaseOffsetMs } from "../../worker/core/monitors/schedule.ts";
import { advance, initialMemory, type MonitorMemory } from "../../worker/core/monitors/state-machine.ts";
import type { ProbeResult } from "../../worker/core/probes/probe-result.ts";
import { DAY_MS, startOfUtcDay } from "../../worker/core/uptime.ts";
import { currentFlags } from "../../worker/platform/flags-client.ts";
import { log, setLogLevel } from "../../worker/platform/log.ts";
import { statusPageStub } from "../../worker/platform/stubs.ts";
import { meterCosts } from "../shared/cost-meter.ts";
import { readMeta, runMigrations, writeMeta } from "../shared/sql.ts";
import { runHttpProbe } from "./probe-http.ts";
import { runTcpProbe } from "./probe-tcp.ts";
import { MONITOR_MIGRATIONS } from "./schema.ts";

/** Raw samples are kept this long; days before are rolled up. */
export const SAMPLE_WINDOW_MS = 48 * 3_600_000;

export interface MonitorInspection {
  monitorId: string | null;
  region: string | null;
  memory: MonitorMemory | null;
  nextCheckAt: number | null;
  samples: number;
  dailyRollups: number;
  storageBytes: number;
}

/**
 * One monitor in one region. Its own alarm runs each check, so a slow or
 * hanging target holds up only this object, and per-invocation limits apply
 * to one check at a time however many monitors there are. It keeps raw
 * samples for 48 h and daily roll-ups for a year, runs the state machine, and
 * reports only transitions, signs of life and roll-ups to the StatusPage.
 */
export class Monitor extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    setLogLevel(env.LOG_LEVEL);
    // Every storage call goes through the cost meter from here on: use this.ctx, not ctx.
    this.ctx = meterCosts(this, this.ctx, "Monitor");
    this.ctx.blockConcurrencyWhile(async () => {
      runMigrations(this.ctx.storage, MONITOR_MIGRATIONS);
    });
  }

  /**
   * Makes sure this monitor is checking with this config. The StatusPage
   * object calls it for new monitors, changed ones and silent ones; calling it
   * again with the same config changes nothing.
   */
  async start(monitor: MonitorConfig, region: string): Promise<{ nextCheckAt: number }> {
    const sql = this.ctx.storage.sql;
    const previous = this.#config();
    writeMeta(sql, "monitor_id", monitor.id);
    writeMeta(sql, "region", region);
    writeMeta(sql, "config", JSON.stringify(monitor));
    writeMeta(sql, "stopped", "0");
    const existing = await this.ctx.storage.getAlarm();
    if (existing !== null && previous?.intervalSeconds === monitor.intervalSeconds) return { nextCheckAt: existing };
    // The first check comes soon, spread over ten seconds; later ones follow the monitor's own slot.
    const intervalMs = monitor.intervalSeconds * 1000;
    const first = Date.now() + (phaseOffsetMs(monitor.id, region, intervalMs) % 10_000);
    await this.ctx.storage.setAlarm(first);
    writeMeta(sql, "next_check_at", String(first));
    // No alarm was pending: new, changed, or not running until now. A heartbeat's silence counts from here.
    writeMeta(sql, "watching_since", String(Date.now()));
    return { nextCheckAt: first };
  }

  /** The monitor left the config: no more checks; its history stays until the object is deleted. */
  async stop(): Promise<void> {
    writeMeta(this.ctx.storage.sql, "stopped", "1");
    await this.ctx.storage.deleteAlarm();
    log.info("monitor.stopped", { monitorId: readMeta(this.ctx.storage.sql, "monitor_id") });
  }

  /** A heartbeat monitor's job checked in. */
  async heartbeat(): Promise<void> {
    writeMeta(this.ctx.storage.sql, "last_ping_at", String(Date.now()));
  }

  inspect(): MonitorInspection {
    const sql = this.ctx.storage.sql;
    const memory = readMeta(sql, "memory");
    const count = (table: string) => sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).one().n;
    return {
      monitorId: readMeta(sql, "monitor_id") ?? null,
      region: readMeta(sql, "region") ?? null,
      memory: memory ? (JSON.parse(memory) as MonitorMemory) : null,
      nextCheckAt: Number(readMeta(sql, "next_check_at") ?? 0) || null,
      samples: count("samples"),
      dailyRollups: count("daily"),
      storageBytes: sql.databaseSize,
    };
  }

  override async alarm(): Promise<void> {
    const sql = this.ctx.storage.sql;
    const monitorId = readMeta(sql, "monitor_id");
    const region = readMeta(sql, "region") ?? "default";
    if (!monitorId || readMeta(sql, "stopped") === "1") return;
    const monitor = this.#config();
    if (!monitor) return;
    const intervalMs = monitor.intervalSeconds * 1000;
    const scheduledAt = Number(readMeta(sql, "next_check_at") ?? 0) || null;
    if (monitor.kind === "heartbeat" && wasAway(Date.now(), scheduledAt, monitor.graceSeconds * 1000)) {
      // Lookout was not running (this slot's alarm came that late): calls made meanwhile were never heard.
      writeMeta(sql, "watching_since", String(Date.now()));
      log.info("monitor.resumed", { monitorId, region, awayMs: Date.now() - (scheduledAt ?? 0) });
    }
    // Book the next slot before checking: if the object dies mid-check, the next check still comes.
    const next = nextRunAt(Date.now(), intervalMs, phaseOffsetMs(monitorId, region, intervalMs));
    await this.ctx.storage.setAlarm(next);
    writeMeta(sql, "next_check_at", String(next));

    if (!(await currentFlags(this.env)).probing) {
      log.debug("monitor.skipped", { monitorId, region, reason: "probing flag is off" });
      return;
    }
    const result = await this.#check(monitor, intervalMs);
    if (!result) {
      // No data (a heartbeat's watch has only just begun): no sample, no state change, nothing to report.
      log.debug("monitor.no_data", { monitorId, region });
      return;
    }
    const report = this.ctx.storage.transactionSync(() => this.#record(monitorId, region, monitor, result));
    if (report) await this.#send(report);
  }

  async #check(monitor: MonitorConfig, intervalMs: number): Promise<ProbeResult | null> {
    switch (monitor.kind) {
      case "http":
        return runHttpProbe(monitor);
      case "tcp":
        return runTcpProbe(monitor);
      case "heartbeat": {
        const sql = this.ctx.storage.sql;
        const lastPing = Number(readMeta(sql, "last_ping_at") ?? 0) || null;
        const watchingSince = Number(readMeta(sql, "watching_since") ?? 0);
        return judgeHeartbeat(Date.now(), lastPing, watchingSince, intervalMs, monitor.graceSeconds * 1000);
      }
    }
  }

  /** Stores the sample, advances the state machine, compacts, and says whether the StatusPage must hear of it. */
  #record(monitorId: string, region: string, monitor: MonitorConfig, result: ProbeResult): MonitorReport | null {
    const sql = this.ctx.storage.sql;
    const stored = readMeta(sql, "memory");
    const memory = stored ? (JSON.parse(stored) as MonitorMemory) : initialMemory(result.at);
    const { memory: next, transition } = advance(memory, result, monitor);
    writeMeta(sql, "memory", JSON.stringify(next));
    sql.exec(
      `INSERT OR REPLACE INTO samples (at, outcome, latency_ms, status_code, state, summary) VALUES (?, ?, ?, ?, ?, ?)`,
      result.at,
      result.outcome,
      Math.round(result.latencyMs),
      result.statusCode,
      next.state,
      result.summary,
    );
    if (transition) log.info("monitor.transition", { monitorId, region, from: transition.from, to: transition.to });

    const rollups = this.#compact(result.at, monitor.intervalSeconds * 1000);
    const lastReport = Number(readMeta(sql, "last_report_at") ?? 0);
    // A report the StatusPage did not take is carried into this one: nothing is lost, only late.
    const unsent = JSON.parse(readMeta(sql, "unsent_report") ?? "null") as MonitorReport | null;
    if (!unsent && !transition && rollups.length === 0 && result.at - lastReport < REPORT_EVERY_MS) return null;

    const window = sql
      .exec<{ checks: number; failures: number; mean: number | null }>(
        `SELECT COUNT(*) AS checks, SUM(outcome = 'down') AS failures,
           AVG(CASE WHEN outcome != 'down' THEN latency_ms END) AS mean FROM samples WHERE at > ?`,
        lastReport,
      )
      .one();
    return {
      monitorId,
      region,
      at: result.at,
      state: next.state,
      since: next.since,
      transition:
        (transition && {
          from: transition.from,
          to: transition.to,
          at: transition.at,
          summary: transition.result.summary,
          firstFailure: transition.firstFailure && {
            at: transition.firstFailure.at,
            summary: transition.firstFailure.summary,
          },
        }) ??
        unsent?.transition ??
        null,
      latency: {
        from: lastReport || result.at,
        to: result.at,
        checks: window.checks,
        failures: window.failures ?? 0,
        meanMs: window.mean === null ? null : Math.round(window.mean),
      },
      rollups: [...(unsent?.rollups ?? []), ...rollups],
    };
  }

  /** Rolls finished days up, drops samples past the window and roll-ups past a year; returns new roll-ups. */
  #compact(now: number, intervalMs: number): DailyRollup[] {
    const sql = this.ctx.storage.sql;
    const today = startOfUtcDay(now);
    const rolledUntil = Number(readMeta(sql, "rolled_until") ?? 0);
    if (rolledUntil >= today) return [];
    const firstSample = sql.exec<{ at: number | null }>(`SELECT MIN(at) AS at FROM samples`).one().at;
    const rollups: DailyRollup[] = [];
    for (let day = Math.max(rolledUntil, startOfUtcDay(firstSample ?? today)); day < today; day += DAY_MS) {
      const samples = sql
        .exec<{ at: number; outcome: Sample["outcome"]; latency_ms: number; state: Sample["state"] }>(
          `SELECT at, outcome, latency_ms, state FROM samples WHERE at >= ? AND at < ? ORDER BY at`,
          day,
          day + DAY_MS,
        )
        .toArray()
        .map((row) => ({ at: row.at, outcome: row.outcome, latencyMs: row.latency_ms, state: row.state }));
      if (samples.length === 0) continue;
      const rollup = rollUpDay(new Date(day).toISOString().slice(0, 10), samples, intervalMs);
      sql.exec(
        `INSERT OR REPLACE INTO daily (day, checks, down_checks, degraded_checks, down_seconds, mean_latency_ms, p95_latency_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        rollup.day,
        rollup.checks,
        rollup.downChecks,
        rollup.degradedChecks,
        rollup.downSeconds,
        rollup.meanLatencyMs,
        rollup.p95LatencyMs,
      );
      rollups.push(rollup);
    }
    writeMeta(sql, "rolled_until", String(today));
    sql.exec(`DELETE FROM samples WHERE at < ?`, now - SAMPLE_WINDOW_MS);
    sql.exec(`DELETE FROM daily WHERE day < ?`, new Date(today - ROLLUP_DAYS * DAY_MS).toISOString().slice(0, 10));
    return rollups;
  }

  async #send(report: MonitorReport): Promise<void> {
    try {
      await statusPageStub(this.env).reportMonitor(report);
      writeMeta(this.ctx.storage.sql, "last_report_at", String(report.at));
      this.ctx.storage.sql.exec(`DELETE FROM meta WHERE key = 'unsent_report'`);
    } catch (error) {
      writeMeta(this.ctx.storage.sql, "unsent_report", JSON.stringify(report));
      log.warn("monitor.report_failed", { monitorId: report.monitorId, region: report.region, error });
    }
  }

  #config(): MonitorConfig | undefined {
    const stored = readMeta(this.ctx.storage.sql, "config");
    return stored ? (JSON.parse(stored) as MonitorConfig) : undefined;
  }
}
