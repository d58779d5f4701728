import type { Span } from "../uptime.ts";
import { REPORT_EVERY_MS } from "./monitor-report.ts";

/**
 * A monitor reports at least once per check or per REPORT_EVERY_MS, whichever
 * is longer, so a page whose most frequent monitor checks every
 * `shortestIntervalSeconds` hears from one at least that often. One that heard
 * from none of them for longer than two such periods (and a minute of slack)
 * was not being observed: Lookout itself was not running, or checks were
 * paused. That time is "no data" for the components monitors drive, never
 * uptime and never downtime (docs/decisions/0023-one-uptime-definition.md).
 * The period comes from the monitors, so a page of hourly monitors does not
 * call every hour between two checks a silence.
 */
export function silenceLimitMs(shortestIntervalSeconds: number | null): number {
  return 2 * Math.max(REPORT_EVERY_MS, (shortestIntervalSeconds ?? 0) * 1000) + 60_000;
}

/** How far back no-data spans are kept: the bars' 90 days and a margin. */
export const NO_DATA_KEPT_MS = 92 * 86_400_000;

/** At most this many spans are kept, oldest dropped first: the list stays small however often Lookout restarts. */
export const NO_DATA_MAX_SPANS = 500;

/**
 * The no-data spans after a monitor's report with its check time `seen`,
 * given the latest check time heard before (`lastSeen`, null for none yet)
 * and how long a silence must last to be one (`silenceLimitMs`).
 */
export function afterSignOfLife(
  spans: readonly Span[],
  lastSeen: number | null,
  seen: number,
  now: number,
  limitMs: number,
): Span[] {
  const kept = spans.filter((span) => span.to > now - NO_DATA_KEPT_MS);
  if (lastSeen !== null && seen - lastSeen > limitMs) kept.push({ from: lastSeen, to: seen });
  return kept.slice(-NO_DATA_MAX_SPANS);
}
