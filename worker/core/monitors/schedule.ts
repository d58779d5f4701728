import { fingerprint } from "../page-id.ts";
import { monitorObjectName } from "./monitor-report.ts";

/**
 * Where in its interval a group of checks runs: a stable offset from the
 * name of the Monitor object that runs it, so 1,000 monitors at 60 s spread
 * over the minute instead of all firing at :00, and a restart keeps each one's
 * slot. (A shared group holds monitors of one interval, probe-groups.ts; the
 * same hash modulo each interval keeps any mix on common slots where they
 * coincide.)
 */
export function phaseOf(objectName: string, intervalMs: number): number {
  const hash = Number.parseInt(fingerprint(objectName).slice(0, 7), 36);
  return hash % intervalMs;
}

/** The phase a monitor checked on when it had an object to itself (and still has, for heartbeats). */
export function phaseOffsetMs(monitorId: string, region: string, intervalMs: number): number {
  return phaseOf(monitorObjectName(monitorId, region), intervalMs);
}

/** The first slot strictly after `now`: slots are `phase + k × interval`, so a late check never drifts the schedule. */
export function nextRunAt(now: number, intervalMs: number, phaseMs: number): number {
  const k = Math.floor((now - phaseMs) / intervalMs) + 1;
  return phaseMs + k * intervalMs;
}

/** The last slot at or before `now`. */
export function lastSlotAt(now: number, intervalMs: number, phaseMs: number): number {
  return nextRunAt(now, intervalMs, phaseMs) - intervalMs;
}
