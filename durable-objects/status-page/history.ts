import { HISTORY_PAGE_CAP, historyMonths, MAX_HISTORY_PAGE } from "../../worker/core/history-months.ts";
import type { HistoryView } from "../../worker/core/read-model.ts";
import { type EventView, loadEvents } from "./events.ts";
import { pageInfo } from "./page-info.ts";
import { iso } from "./time.ts";

/**
 * A history page reads one range of the `incidents_by_start` index, so its
 * cost follows what it shows, never the length of the history; the cap keeps
 * one pathological month within budget.
 */
const HISTORY_CAP = HISTORY_PAGE_CAP;

export interface HistoryRange {
  /** Public incidents and maintenances that started in [from, to), newest first, at most HISTORY_CAP. */
  events: EventView[];
  /** More than HISTORY_CAP started in the range; the oldest are left out. */
  capped: boolean;
  /** A public event started before `from`. */
  hasOlder: boolean;
}

/** Public incidents and maintenances by when they started: two bounded reads of one index. */
export function loadHistory(sql: SqlStorage, fromMs: number, toMs: number): HistoryRange {
  const events = loadEvents(sql, {
    where: `visibility = 'public' AND started_at >= ? AND started_at < ?`,
    params: [fromMs, toMs],
    // rowid is the index's last column: ties keep a stable order without a sort.
    order: `ORDER BY started_at DESC, rowid DESC LIMIT ${HISTORY_CAP + 1}`,
    index: "incidents_by_start",
  });
  const older = sql
    .exec(
      `SELECT 1 FROM incidents INDEXED BY incidents_by_start WHERE visibility = 'public' AND started_at < ? LIMIT 1`,
      fromMs,
    )
    .toArray();
  return { events: events.slice(0, HISTORY_CAP), capped: events.length > HISTORY_CAP, hasOlder: older.length > 0 };
}

/** Page `page` of the history (clamped to 1–MAX_HISTORY_PAGE), months in the page's time zone. */
export function historyView(sql: SqlStorage, page: number, now: number): HistoryView {
  const number = Number.isInteger(page) ? Math.min(Math.max(page, 1), MAX_HISTORY_PAGE) : 1;
  const info = pageInfo(sql);
  const months = historyMonths(number, now, info?.timeZone ?? "Etc/UTC");
  const newest = months[0];
  const oldest = months[months.length - 1];
  if (!newest || !oldest) throw new Error("a history page has months");
  const range = loadHistory(sql, oldest.fromMs, newest.toMs);
  return {
    page: number,
    months: months.map((month) => ({
      label: month.label,
      start: iso(month.fromMs),
      events: range.events
        .filter((event) => {
          const startedAt = Date.parse(event.startedAt);
          return startedAt >= month.fromMs && startedAt < month.toMs;
        })
        // The history shows the latest update only; the rest need not cross the RPC boundary.
        .map((event) => ({ ...event, updates: event.updates.slice(0, 1) })),
    })),
    hasOlder: range.hasOlder,
    hasNewer: number > 1,
    capped: range.capped,
  };
}
