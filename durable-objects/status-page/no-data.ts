import type { MonitorReport } from "../../worker/core/monitors/monitor-report.ts";
import { afterSignOfLife, silenceLimitMs } from "../../worker/core/monitors/no-data.ts";
import type { Span } from "../../worker/core/uptime.ts";
import { readMeta, writeMeta } from "./schema.ts";

/**
 * The page's record of when nobody observed (worker/core/monitors/no-data.ts):
 * a short list in `meta`, read once per snapshot. Returns whether a silence
 * just ended (a new no-data span). Call inside a transaction. Every report
 * passes here, so the usual case — heard from recently — reads and writes one
 * meta row each; the spans are read only when a silence ends.
 */
export function noteSignOfLife(sql: SqlStorage, report: MonitorReport, now: number): boolean {
  const seen = Math.min(report.at, now);
  const last = readMeta(sql, "last_sign_of_life");
  const lastSeen = last === null ? null : Number(last);
  if (lastSeen !== null && seen <= lastSeen) return false;
  writeMeta(sql, "last_sign_of_life", String(seen));
  // No page's limit is shorter than this one, so a gap within it needs no further look.
  if (lastSeen === null || seen - lastSeen <= silenceLimitMs(null)) return false;
  const shortest = readMeta(sql, SHORTEST_INTERVAL);
  const limit = silenceLimitMs(shortest === null ? null : Number(shortest));
  if (seen - lastSeen <= limit) return false;
  writeMeta(sql, "no_data_spans", JSON.stringify(afterSignOfLife(noDataSpans(sql), lastSeen, seen, now, limit)));
  return true;
}

/** Meta key: the shortest check interval among the page's monitors, in seconds, kept by `noteMonitorIntervals`. */
const SHORTEST_INTERVAL = "shortest_monitor_interval_seconds";

/** Keeps how often the page's most frequent monitor checks, which sets how long a silence must be. Call when monitors are reconciled. */
export function noteMonitorIntervals(sql: SqlStorage, intervalsSeconds: readonly number[]): void {
  const shortest = intervalsSeconds.length ? String(Math.min(...intervalsSeconds)) : null;
  if (shortest !== null && readMeta(sql, SHORTEST_INTERVAL) !== shortest) writeMeta(sql, SHORTEST_INTERVAL, shortest);
}

export function noDataSpans(sql: SqlStorage): Span[] {
  return JSON.parse(readMeta(sql, "no_data_spans") ?? "[]") as Span[];
}
