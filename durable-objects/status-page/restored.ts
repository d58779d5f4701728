import { readMeta, writeMeta } from "../shared/sql.ts";

/**
 * When this page was last restored from a backup (0 if never). Whatever fell
 * due before that moment — a maintenance window that opened or closed, an
 * automatic incident's quiet period, a reminder's hour — happened in the
 * page's past: the page catches up on it, but tells no one, since the
 * original page may well have told them already and a subscriber told today
 * of last week's window is told something false
 * (docs/decisions/0022-no-false-outages.md).
 */
export function restoredAt(sql: SqlStorage): number {
  return Number(readMeta(sql, "restored_at") ?? 0);
}

export function markRestored(sql: SqlStorage, now: number): void {
  writeMeta(sql, "restored_at", String(now));
}
