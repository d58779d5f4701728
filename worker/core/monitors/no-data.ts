import type { Span } from "../uptime.ts";
import { REPORT_EVERY_MS } from "./report.ts";

/**
 * Every monitor reports at least every REPORT_EVERY_MS, so a page that heard
 * from none of them for longer than two such periods (and a minute of slack)
 * was not being observed: Lookout itself was not running, or checks were
 * paused. That time is "no data" for the components monitors drive, never
 * uptime and never downtime (docs/decisions/0023-one-uptime-definition.md).
 */
export const NO_DATA_AFTER_MS = 2 * REPORT_EVERY_MS + 60_000;

/** How far back no-data spans are kept: the bars' 90 days and a margin. */
export const NO_DATA_KEPT_MS = 92 * 86_400_000;

/** At most this many spans are kept, oldest dropped first: the list stays small however often Lookout restarts. */
export const NO_DATA_MAX_SPANS = 500;

/**
 * The no-data spans after a monitor's report with its check time `seen`,
 * given the latest check time heard before (`lastSeen`, null for none yet).
 */
export function afterSignOfLife(spans: readonly Span[], lastSeen: number | null, seen: number, now: number): Span[] {
  const kept = spans.filter((span) => span.to > now - NO_DATA_KEPT_MS);
  if (lastSeen !== null && seen - lastSeen > NO_DATA_AFTER_MS) kept.push({ from: lastSeen, to: seen });
  return kept.slice(-NO_DATA_MAX_SPANS);
}
