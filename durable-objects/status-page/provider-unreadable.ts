import type { ProviderObservation } from "../../worker/core/providers/provider-observation.ts";
import type { Span } from "../../worker/core/uptime.ts";

/**
 * While a provider's page cannot be read, nobody knows the provider's
 * status: the component mirroring it keeps the last one stated on its label
 * (decision 0039), but the time counts as no data in its uptime and in the
 * ceilings of what depends on it, never as the status it last had. One row
 * per stretch of unreadable page and component, opened when a reading fails
 * after a good one (or before any), closed by the next good reading or when
 * the monitor stops following a page.
 */

/** Stretches older than this bound no window the page shows (90 days) nor the history (a year and a day). */
const KEEP_MS = 400 * 86_400_000;

/** Keeps the stretches in step with a provider's new observation. Call inside a transaction. */
export function noteUnreadable(
  sql: SqlStorage,
  monitorId: string,
  before: ProviderObservation | null,
  after: ProviderObservation,
  at: number,
): void {
  const was = before?.unavailableSince ?? null;
  const is = after.unavailableSince;
  if (was === is) return;
  // Whatever was known before (another region's reading, a row left open): a readable page ends every stretch.
  endUnreadable(sql, monitorId, is ?? at);
  if (is === null) return;
  // Kept against the components it drives now: a later change of config does not move past stretches.
  for (const { component_id } of sql
    .exec<{ component_id: string }>(`SELECT component_id FROM monitor_components WHERE monitor_id = ?`, monitorId)
    .toArray()) {
    sql.exec(
      `INSERT OR IGNORE INTO provider_unreadable (monitor_id, component_id, since, until) VALUES (?, ?, ?, NULL)`,
      monitorId,
      component_id,
      is,
    );
  }
  sql.exec(`DELETE FROM provider_unreadable WHERE monitor_id = ? AND until < ?`, monitorId, at - KEEP_MS);
}

/** Ends the open stretch of a monitor: its page reads again, or it no longer follows a page at all. */
export function endUnreadable(sql: SqlStorage, monitorId: string, at: number): void {
  sql.exec(
    `UPDATE provider_unreadable SET until = MAX(since, ?) WHERE monitor_id = ? AND until IS NULL`,
    at,
    monitorId,
  );
}

/** The unreadable stretches of each component's providers that reach past `from`, open ones up to `now`. */
export function unreadableByComponent(sql: SqlStorage, from: number, now: number): Map<string, Span[]> {
  const spans = new Map<string, Span[]>();
  for (const row of sql
    .exec<{ component_id: string; since: number; until: number | null }>(
      `SELECT component_id, since, until FROM provider_unreadable WHERE until IS NULL OR until >= ?`,
      from,
    )
    .toArray()) {
    const list = spans.get(row.component_id) ?? [];
    list.push({ from: row.since, to: row.until ?? now });
    spans.set(row.component_id, list);
  }
  return spans;
}
