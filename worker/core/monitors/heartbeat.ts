import { describeFailure } from "../probes/describe-failure.ts";
import type { ProbeFailure, ProbeResult } from "../probes/probe-result.ts";

/**
 * A heartbeat monitor's check: up when the job called within the interval plus
 * its grace, down when it has been silent that long while Lookout was there
 * to hear it. `watchingSince` is when Lookout last began listening (the
 * monitor started, or Lookout came back after not running): a job's calls
 * while Lookout was not running were never received, so until a whole
 * interval plus grace has passed since then, silence proves nothing and the
 * answer is null, no data, never down. The "latency" is how long ago the last
 * call was.
 */
export function judgeHeartbeat(
  now: number,
  lastPingAt: number | null,
  watchingSince: number,
  intervalMs: number,
  graceMs: number,
): ProbeResult | null {
  const silentFor = lastPingAt === null ? null : now - lastPingAt;
  if (silentFor !== null && silentFor <= intervalMs + graceMs) {
    return { at: now, outcome: "up", latencyMs: 0, statusCode: null, failure: null, summary: "heartbeat received" };
  }
  if (now - watchingSince <= intervalMs + graceMs) return null;
  const failure: ProbeFailure = {
    kind: "heartbeat_missed",
    lastAt: lastPingAt,
    silentForMs: silentFor,
    expectedEveryMs: intervalMs,
  };
  return { at: now, outcome: "down", latencyMs: 0, statusCode: null, failure, summary: describeFailure(failure) };
}

/** Checking this late or less is the alarm's own jitter and retries, not Lookout being away. */
export const LATE_TOLERANCE_MS = 15_000;

/**
 * Whether a check that ran at `now` for the slot `scheduledAt` shows Lookout
 * was not running in between: its alarm came late by more than the grace
 * (at least LATE_TOLERANCE_MS). A shorter gap cannot make an on-time job
 * look silent past its grace, so it leaves the watch alone; a longer one
 * starts it again at `now`.
 */
export function wasAway(now: number, scheduledAt: number | null, graceMs: number): boolean {
  return scheduledAt !== null && now - scheduledAt > Math.max(graceMs, LATE_TOLERANCE_MS);
}
