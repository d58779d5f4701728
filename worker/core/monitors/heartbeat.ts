import type { ProbeResult } from "../probes/probe-result.ts";

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
  return {
    at: now,
    outcome: "down",
    latencyMs: 0,
    statusCode: null,
    failure: { kind: "heartbeat_missed", lastAt: lastPingAt },
    summary:
      lastPingAt === null
        ? "no heartbeat received yet"
        : `no heartbeat for ${Math.round((silentFor ?? 0) / 1000)} s (expected every ${Math.round(intervalMs / 1000)} s)`,
  };
}
