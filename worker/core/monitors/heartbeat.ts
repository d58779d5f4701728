import { describeFailure } from "../probes/describe-failure.ts";
import type { ProbeFailure, ProbeResult } from "../probes/probe-result.ts";

/**
 * A heartbeat monitor's check: up when the job called within the interval plus
 * its grace, down otherwise. The "latency" is how long ago the last call was.
 */
export function judgeHeartbeat(
  now: number,
  lastPingAt: number | null,
  intervalMs: number,
  graceMs: number,
): ProbeResult {
  const silentFor = lastPingAt === null ? null : now - lastPingAt;
  if (silentFor !== null && silentFor <= intervalMs + graceMs) {
    return { at: now, outcome: "up", latencyMs: 0, statusCode: null, failure: null, summary: "heartbeat received" };
  }
  const failure: ProbeFailure = {
    kind: "heartbeat_missed",
    lastAt: lastPingAt,
    silentForMs: silentFor,
    expectedEveryMs: intervalMs,
  };
  return { at: now, outcome: "down", latencyMs: 0, statusCode: null, failure, summary: describeFailure(failure) };
}
