import type { ProviderObservation } from "../../worker/core/providers/provider-observation.ts";
import type { Span } from "../../worker/core/uptime.ts";

/**
 * While a provider's page cannot be read, nobody knows the provider's
 * status: the component mirroring it keeps the last one stated on its label
 * (decision 0039), but the time counts as no data in its uptime and in the
 * ceilings of what depends on it, never as the status it last had. One row
 * per stretch of unreadable page, opened when a reading fails after a good
 * one (or before any), closed by the next good reading.
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
  if (was !== null) {
    sql.exec(
      `UPDATE provider_unreadable SET until = ? WHERE monitor_id = ? AND until IS NULL`,
      Math.max(was, is ?? at),
      monitorId,
    );
  }
  if (is !== null) {
    sql.exec(`INSERT OR IGNORE INTO provider_unreadable (monitor_id, since, until) VALUES (?, ?, NULL)`, monitorId, is);
    sql.exec(`DELETE FROM provider_unreadable WHERE monitor_id = ? AND until < ?`, monitorId, at - KEEP_MS);
  }
}

/** The unreadable stretches of the providers each component mirrors, open ones up to `now`. */
export function unreadableByComponent(sql: SqlStorage, now: number): Map<string, Span[]> {
  const spans = new Map<string, Span[]>();
  for (const row of sql
    .exec<{ component_id: string; since: number; until: number | null }>(
      `SELECT mc.component_id, u.since, u.until FROM provider_unreadable u
         JOIN monitor_components mc ON mc.monitor_id = u.monitor_id`,
    )
    .toArray()) {
    const list = spans.get(row.component_id) ?? [];
    list.push({ from: row.since, to: row.until ?? now });
    spans.set(row.component_id, list);
  }
  return spans;
}
