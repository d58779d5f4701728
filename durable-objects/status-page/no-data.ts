import { afterSignOfLife, silenceLimitMs } from "../../worker/core/monitors/no-data.ts";
import type { MonitorReport } from "../../worker/core/monitors/report.ts";
import type { Span } from "../../worker/core/uptime.ts";
import { readMeta, writeMeta } from "./schema.ts";

/**
 * The page's record of when nobody observed (worker/core/monitors/no-data.ts):
 * a short list in `meta`, read once per snapshot. Returns whether a silence
 * just ended (a new no-data span). Call inside a transaction.
 */
export function noteSignOfLife(sql: SqlStorage, report: MonitorReport, now: number): boolean {
  const seen = Math.min(report.at, now);
  const last = readMeta(sql, "last_sign_of_life");
  const lastSeen = last === null ? null : Number(last);
  if (lastSeen !== null && seen <= lastSeen) return false;
  const before = noDataSpans(sql);
  const shortest = readMeta(sql, SHORTEST_INTERVAL);
  const spans = afterSignOfLife(
    before,
    lastSeen,
    seen,
    now,
    silenceLimitMs(shortest === null ? null : Number(shortest)),
  );
  if (spans.length !== before.length || spans.at(-1)?.to !== before.at(-1)?.to) {
    writeMeta(sql, "no_data_spans", JSON.stringify(spans));
  }
  writeMeta(sql, "last_sign_of_life", String(seen));
  return spans.at(-1)?.to === seen && before.at(-1)?.to !== seen;
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
