import { fingerprint } from "../page-id.ts";

/**
 * Where in its interval a monitor checks: a stable offset from its id and
 * region, so 1,000 monitors at 60 s spread over the minute instead of all
 * firing at :00, and a restart keeps each one's slot.
 */
export function phaseOffsetMs(monitorId: string, region: string, intervalMs: number): number {
  const hash = Number.parseInt(fingerprint(`${monitorId}@${region}`).slice(0, 7), 36);
  return hash % intervalMs;
}

/** The first slot strictly after `now`: slots are `phase + k × interval`, so a late check never drifts the schedule. */
export function nextRunAt(now: number, intervalMs: number, phaseMs: number): number {
  const k = Math.floor((now - phaseMs) / intervalMs) + 1;
  return phaseMs + k * intervalMs;
}
